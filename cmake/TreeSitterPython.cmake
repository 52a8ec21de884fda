# The tree-sitter Python grammar, taken from the npm registry at a pinned version and
# compiled into the binary. 0.23.6 generates an ABI-14 parser, which Debian 12's
# libtree-sitter 0.20.7 accepts; 0.25 generates ABI 15, which it rejects.
set(TS_PYTHON_VERSION "0.23.6")
set(TS_PYTHON_SHA256 "aab5b860d93dbf84b37fed532f7dacc0468ede5387d0c74911d68f964287662a")

set(_ts_dir "${CMAKE_BINARY_DIR}/_deps/tree-sitter-python")
set(_ts_tgz "${_ts_dir}/tree-sitter-python-${TS_PYTHON_VERSION}.tgz")

if(NOT EXISTS "${_ts_dir}/package/src/parser.c")
  file(MAKE_DIRECTORY "${_ts_dir}")
  if(NOT EXISTS "${_ts_tgz}")
    find_program(NPM_EXECUTABLE npm REQUIRED)
    message(STATUS "Fetching tree-sitter-python@${TS_PYTHON_VERSION} with npm pack")
    execute_process(
      COMMAND "${NPM_EXECUTABLE}" pack "tree-sitter-python@${TS_PYTHON_VERSION}" --silent
      WORKING_DIRECTORY "${_ts_dir}"
      RESULT_VARIABLE _npm_result)
    if(NOT _npm_result EQUAL 0 OR NOT EXISTS "${_ts_tgz}")
      message(FATAL_ERROR "npm pack tree-sitter-python@${TS_PYTHON_VERSION} failed")
    endif()
  endif()
  file(SHA256 "${_ts_tgz}" _ts_actual)
  if(NOT _ts_actual STREQUAL TS_PYTHON_SHA256)
    file(REMOVE "${_ts_tgz}")
    message(FATAL_ERROR "tree-sitter-python tarball hash mismatch: got ${_ts_actual}, "
                        "expected ${TS_PYTHON_SHA256}")
  endif()
  file(ARCHIVE_EXTRACT INPUT "${_ts_tgz}" DESTINATION "${_ts_dir}")
endif()

add_library(tree_sitter_python STATIC
  "${_ts_dir}/package/src/parser.c"
  "${_ts_dir}/package/src/scanner.c")
target_include_directories(tree_sitter_python PRIVATE "${_ts_dir}/package/src")
set_target_properties(tree_sitter_python PROPERTIES POSITION_INDEPENDENT_CODE ON)
# Generated code: its warnings are not ours to fix.
target_compile_options(tree_sitter_python PRIVATE -w -O2)
