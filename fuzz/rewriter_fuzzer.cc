// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the rewriter (parse, fix in rounds, validate) under every target, style
// and safety. Besides not crashing, it checks the rewriter's promises and aborts when one
// breaks, so that libFuzzer keeps the input:
//   - a file the strict check refuses is never changed;
//   - what it writes passes the strict check (CPython's rules) again;
//   - a second run changes nothing (the fixes reached their fixed point in one run).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "analyzer/core/source_file.h"
#include "rewriter/rewrite.h"
#include "rewriter/validity.h"

namespace {

[[noreturn]] void broken(const char* promise, const std::string& text) {
  std::fprintf(stderr, "rewriter promise broken: %s\n--- input ---\n%s\n", promise, text.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return -1;
  // The first byte picks the configuration; the rest is the file.
  uint8_t config = data[0];
  std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  if (text.find('\0') != std::string::npos || tpu::first_invalid_utf8_line(text) != 0) return -1;
  tpu::rewriter::RewriteOptions options;
  options.target = (config & 1) ? "torchtpu" : "xla";
  options.style = (config & 2) ? tpu::rewriter::Style::Direct : tpu::rewriter::Style::Portable;
  options.unsafe_fixes = (config & 4) != 0;
  tpu::rewriter::FileRewrite first = tpu::rewriter::rewrite_text("fuzz.py", text, options);
  if (first.after == first.before) return 0;
  // (The rewriter reads a BOM and CR-only line ends itself; the check below sees raw text.)
  bool plain = text.find('\r') == std::string::npos && !text.starts_with("\xEF\xBB\xBF");
  if (plain && tpu::rewriter::strict_syntax_problem(text)) broken("an unparseable file was changed", text);
  if (plain && tpu::rewriter::strict_syntax_problem(first.after)) broken("the result does not parse", text);
  tpu::rewriter::FileRewrite second = tpu::rewriter::rewrite_text("fuzz.py", first.after, options);
  if (second.after != first.after) broken("a second run changes the file", text);
  return 0;
}
