// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the rewriter (parse, fix in rounds, validate) under every target, style
// and safety. Besides not crashing, it checks the rewriter's promises and aborts when one
// breaks, so that libFuzzer keeps the input:
//   - a file the strict check refuses is never changed;
//   - what it writes passes the strict check (CPython's rules) again;
//   - a second run changes nothing (the fixes reached their fixed point in one run);
//   - each finding's fix edits, as `scan --format json` attaches them, applied alone to a file
//     that passes the strict check, give a file that passes it too.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "analyzer/core/source_file.h"
#include "analyzer/python/python_analyzer.h"
#include "rewriter/edit_set.h"
#include "rewriter/fix_plan.h"
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
  // (The rewriter reads a BOM and CR-only line ends itself; the checks below see raw text.)
  bool plain = text.find('\r') == std::string::npos && !text.starts_with("\xEF\xBB\xBF");
  if (plain && !tpu::rewriter::strict_syntax_problem(text)) {
    tpu::SourceFile file("fuzz.py", text);
    std::vector<tpu::Finding> findings = tpu::python::analyze_python(file, options.target).findings;
    tpu::rewriter::FixOptions fix_options;
    fix_options.target = options.target;
    fix_options.style = options.style;
    fix_options.unsafe_fixes = options.unsafe_fixes;
    tpu::rewriter::attach_fix_edits(file, findings, fix_options);
    for (const tpu::Finding& finding : findings) {
      if (!finding.fix || finding.fix->edits.empty()) continue;
      tpu::rewriter::EditSet alone(text);
      if (!alone.add(tpu::rewriter::PendingFix{finding.rule, finding.location.line, finding.fix->edits}))
        broken("a finding's own fix edits overlap each other", text);
      if (tpu::rewriter::strict_syntax_problem(alone.apply())) broken("a finding's fix edits applied alone do not parse", text);
    }
  }
  tpu::rewriter::FileRewrite first = tpu::rewriter::rewrite_text("fuzz.py", text, options);
  if (first.after == first.before) return 0;
  if (plain && tpu::rewriter::strict_syntax_problem(text)) broken("an unparseable file was changed", text);
  if (plain && tpu::rewriter::strict_syntax_problem(first.after)) broken("the result does not parse", text);
  tpu::rewriter::FileRewrite second = tpu::rewriter::rewrite_text("fuzz.py", first.after, options);
  if (second.after != first.after) broken("a second run changes the file", text);
  return 0;
}
