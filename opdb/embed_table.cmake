# SPDX-License-Identifier: Apache-2.0
# Turns one opdb table (TSV), or the sync probe script, into a C++ source defining `tpu::opdb::embedded::<SYMBOL>`, so the
# tool needs neither ../shared nor the data files at run time.
# Usage: cmake -DINPUT=<tsv> -DOUTPUT=<cc> -DSYMBOL=<name> -P embed_table.cmake
#
# The text goes into a raw string literal; the delimiter `tpuopdb` cannot occur in a table
# (checked below), so no escaping is needed and the bytes stay exactly as committed.
if(NOT INPUT OR NOT OUTPUT OR NOT SYMBOL)
  message(FATAL_ERROR "embed_table.cmake needs INPUT, OUTPUT and SYMBOL")
endif()
file(READ "${INPUT}" content)
string(FIND "${content}" ")tpuopdb\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw-string delimiter )tpuopdb\"")
endif()
get_filename_component(name "${INPUT}" NAME)
file(WRITE "${OUTPUT}"
  "// Generated from ${name} by opdb/embed_table.cmake; do not edit.\n"
  "#include \"opdb/embedded_tables.h\"\n"
  "namespace tpu::opdb::embedded {\n"
  "const std::string_view ${SYMBOL} = R\"tpuopdb(${content})tpuopdb\";\n"
  "}  // namespace tpu::opdb::embedded\n")
