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
#
# A folder below this one with a CMakeLists.txt of its own is another library, reached only by
# linking it: this folder's root is then a folder of links to each of its entries but that one,
# and the glob re-runs the configure when an entry is added or removed. Roots are made again at
# every configure.
function(kopt_folder_target target)
  file(RELATIVE_PATH folder "${PROJECT_SOURCE_DIR}" "${CMAKE_CURRENT_SOURCE_DIR}")
  string(REPLACE "/" "_" name "${folder}")
  set(root "${PROJECT_BINARY_DIR}/include_roots/${name}")
  file(REMOVE_RECURSE "${root}")  # removes the links, never what they point to
  file(GLOB nested LIST_DIRECTORIES false "${CMAKE_CURRENT_SOURCE_DIR}/*/CMakeLists.txt")
  if(nested)
    file(GLOB entries CONFIGURE_DEPENDS LIST_DIRECTORIES true
         RELATIVE "${CMAKE_CURRENT_SOURCE_DIR}" "${CMAKE_CURRENT_SOURCE_DIR}/*")
    file(MAKE_DIRECTORY "${root}/${folder}")
    foreach(entry ${entries})
      if(NOT EXISTS "${CMAKE_CURRENT_SOURCE_DIR}/${entry}/CMakeLists.txt")
        file(CREATE_LINK "${CMAKE_CURRENT_SOURCE_DIR}/${entry}" "${root}/${folder}/${entry}"
             SYMBOLIC)
      endif()
    endforeach()
  else()
    get_filename_component(parent "${root}/${folder}" DIRECTORY)
    file(MAKE_DIRECTORY "${parent}")
    file(CREATE_LINK "${CMAKE_CURRENT_SOURCE_DIR}" "${root}/${folder}" SYMBOLIC)
  endif()
  target_include_directories(${target} PUBLIC "${root}")
  kopt_warnings(${target})
endfunction()

# Tests, benchmarks and their support code: they see the whole source tree.
function(kopt_configure_target target)
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR})
  kopt_warnings(${target})
endfunction()
