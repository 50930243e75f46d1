#!/usr/bin/env bash
# Builds kopt and its tests with AddressSanitizer and UndefinedBehaviorSanitizer into ./build-asan
# (-DKOPT_SANITIZE=ON; no GPU tests or benchmarks) and runs the unit and e2e tests there. The GPU
# worker and the compile server are the kopt binary re-executed, so they run sanitized too. On a GPU machine ASan needs
# protect_shadow_gap=0 (the CUDA driver maps memory in the shadow gap); it is set below.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --deps-only
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DKOPT_SANITIZE=ON -DKOPT_BUILD_GPU_TESTS=OFF \
  -DKOPT_BUILD_BENCHMARKS=OFF \
  -DCUDAToolkit_ROOT="${CUDA_HOME:-/usr/local/cuda}" >/dev/null
cmake --build build-asan -j"$(nproc)"
export ASAN_OPTIONS="protect_shadow_gap=0:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:${UBSAN_OPTIONS:-}"
cd build-asan
ctest --output-on-failure -j"$(nproc)" -L "unit|e2e"
