# Components register what they contribute, so that each folder owns its CMakeLists.txt:
#   tpu_add_cli_sources(file...)   subcommand sources linked into the tpu-migrate executable
#   tpu_add_test_sources(file...)  doctest sources linked into the one tpu_tests binary
#   tpu_add_cli_libraries(lib...)  libraries the tpu-migrate executable (and tpu_tests) link,
#                                  e.g. a component's own library that its subcommand calls
function(tpu_add_cli_sources)
  foreach(source IN LISTS ARGN)
    get_filename_component(path "${source}" ABSOLUTE)
    set_property(GLOBAL APPEND PROPERTY TPU_CLI_SOURCES "${path}")
  endforeach()
endfunction()

function(tpu_add_cli_libraries)
  set_property(GLOBAL APPEND PROPERTY TPU_CLI_LIBRARIES ${ARGN})
endfunction()

function(tpu_add_test_sources)
  foreach(source IN LISTS ARGN)
    get_filename_component(path "${source}" ABSOLUTE)
    set_property(GLOBAL APPEND PROPERTY TPU_TEST_SOURCES "${path}")
  endforeach()
endfunction()

function(tpu_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-missing-field-initializers
    # GCC 12 reports false -Wrestrict positives inside std::string at -O3 (GCC PR 105329).
    $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>)
  if(TPU_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
