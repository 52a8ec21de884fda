# Writes OUTPUT, a C++ file defining `const char tpu::checker::SYMBOL[]` with the text of INPUT
# (the device worker's Python source, compiled into tpu-migrate so that it needs no files
# beside the binary).
file(READ "${INPUT}" text)
string(FIND "${text}" ")tpu_embed\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw-string delimiter")
endif()
file(WRITE "${OUTPUT}.tmp"
  "// Generated from ${INPUT} by checker/embed_text.cmake; do not edit.\n"
  "namespace tpu::checker {\nextern const char ${SYMBOL}[];\nconst char ${SYMBOL}[] = R\"tpu_embed(${text})tpu_embed\";\n}\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
