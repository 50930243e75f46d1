# A text file (a Python script, a device header) built into kopt as a raw string literal: `template` (a .cpp.in file of the
# calling folder) holds @<variable>@ inside R"<delimiter>(...)<delimiter>", and becomes
# <binary dir>/<template without .in>, returned in `out_source`. configure_file would replace an
# '@NAME@' in the file, and the delimiter must not occur in it, so both are refused.
function(kopt_embed_script script template variable delimiter out_source)
  set(path ${CMAKE_CURRENT_SOURCE_DIR}/${script})
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${path})
  file(READ ${path} ${variable})
  string(FIND "${${variable}}" "@" at)
  string(FIND "${${variable}}" ")${delimiter}" closing)
  if(NOT at EQUAL -1 OR NOT closing EQUAL -1)
    file(RELATIVE_PATH shown ${PROJECT_SOURCE_DIR} ${path})
    message(FATAL_ERROR "${shown} must not contain '@' or ')${delimiter}'")
  endif()
  string(REGEX REPLACE "\\.in$" "" generated ${template})
  configure_file(${template} ${CMAKE_CURRENT_BINARY_DIR}/${generated} @ONLY)
  set(${out_source} ${CMAKE_CURRENT_BINARY_DIR}/${generated} PARENT_SCOPE)
endfunction()
