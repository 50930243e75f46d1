# KOPT_SANITIZE=ON: every target of the build (kopt's, the tests, the fake servers) compiled and
# linked with AddressSanitizer and UndefinedBehaviorSanitizer. The kopt binary re-executes itself
# as the GPU worker and as the compile server, so those processes are sanitized too. A UBSan
# finding aborts (no recovery), so a test that triggers one fails. scripts/test_sanitized.sh
# builds this into build-asan and runs the unit and e2e tests there.
set(kopt_sanitize_flags -fsanitize=address,undefined -fno-sanitize-recover=undefined
    -fno-omit-frame-pointer)
add_compile_options(${kopt_sanitize_flags})
add_link_options(${kopt_sanitize_flags})
