# SPDX-License-Identifier: Apache-2.0
# Compiles the Python hook (hook/**.py) into the binary as string constants, so that
# `tpu-migrate trace` is one self-contained executable that writes its hook where it needs it.
# Usage: cmake -DBASE=<hook dir> -DFILES=<a|b|...> -DOUTPUT=<cc> -P embed_hook.cmake
if(NOT BASE OR NOT FILES OR NOT OUTPUT)
  message(FATAL_ERROR "embed_hook.cmake needs BASE, FILES and OUTPUT")
endif()
string(REPLACE "|" ";" FILES "${FILES}")
set(body "")
foreach(relative IN LISTS FILES)
  file(READ "${BASE}/${relative}" content)
  string(FIND "${content}" ")tpuhook\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${relative} contains the raw-string delimiter )tpuhook\"")
  endif()
  string(APPEND body "    {\"${relative}\", R\"tpuhook(${content})tpuhook\"},\n")
endforeach()
file(WRITE "${OUTPUT}"
  "// Generated from trace/hook by embed_hook.cmake; do not edit.\n"
  "#include \"trace/hook_files.h\"\n"
  "namespace tpu::runtime {\n"
  "namespace {\n"
  "const HookFile kFiles[] = {\n${body}};\n"
  "}  // namespace\n"
  "std::span<const HookFile> hook_files() { return kFiles; }\n"
  "}  // namespace tpu::runtime\n")
