# Warnings and tooling for kopt's own targets only (third-party code keeps its own flags).
function(kopt_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wno-missing-field-initializers)
  if(KOPT_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  if(KOPT_CLANG_TIDY)
    set_target_properties(${target} PROPERTIES CXX_CLANG_TIDY "clang-tidy")
  endif()
endfunction()

# A target built from one of kopt's folders (core, llm, prompts, search, evaluator, results,
# cli, or a folder below one, such as evaluator/worker). Its sources include "<folder>/x.h" for
# their own folder and for the folders of the targets they link, and nothing else: each folder is
# reached through an include root of its own (<build>/include_roots/<name>/<folder> -> the source
# folder), published with the target. So an include against the dependency graph of
# docs/design.md fails to compile.
function(kopt_folder_target target)
  file(RELATIVE_PATH folder "${PROJECT_SOURCE_DIR}" "${CMAKE_CURRENT_SOURCE_DIR}")
  string(REPLACE "/" "_" name "${folder}")
  set(root "${PROJECT_BINARY_DIR}/include_roots/${name}")
  get_filename_component(parent "${root}/${folder}" DIRECTORY)
  file(MAKE_DIRECTORY "${parent}")
  file(CREATE_LINK "${CMAKE_CURRENT_SOURCE_DIR}" "${root}/${folder}" SYMBOLIC)
  target_include_directories(${target} PUBLIC "${root}")
  kopt_warnings(${target})
endfunction()

# Tests, benchmarks and their support code: they see the whole source tree.
function(kopt_configure_target target)
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR})
  kopt_warnings(${target})
endfunction()
