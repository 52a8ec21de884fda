// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the Python front end (tree-sitter parse, bindings, rules, op uses) on any
// text a user's tree may hold. It must neither crash nor hang. Inputs the scan never
// analyses (binary, invalid UTF-8: SourceFile::read refuses them) are skipped here too.
#include <cstddef>
#include <cstdint>
#include <string>

#include "analyzer/core/source_file.h"
#include "analyzer/python/python_analyzer.h"
#include "rewriter/validity.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  if (text.find('\0') != std::string::npos || tpu::first_invalid_utf8_line(text) != 0) return -1;
  tpu::SourceFile source("fuzz.py", text);
  (void)tpu::python::analyze_python(source, "xla");
  (void)tpu::python::analyze_python(source, "torchtpu");
  (void)tpu::rewriter::strict_syntax_problem(text);
  return 0;
}
