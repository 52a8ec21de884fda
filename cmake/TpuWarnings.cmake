# tpu_warnings(target): the project's warning flags (and -Werror with TPU_WERROR) on one target.
function(tpu_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-missing-field-initializers
    # GCC 12 reports false -Wrestrict positives inside std::string at -O3 (GCC PR 105329).
    $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>)
  if(TPU_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
