// SPDX-License-Identifier: Apache-2.0
// Baselines: accept today's findings, fail CI only on new ones.
//
// A finding's fingerprint hashes its rule, its path, its symbol and the text of its line
// with whitespace collapsed, and not its line number, so that a finding keeps its
// fingerprint when code is inserted above it or re-indented. Identical findings (the same
// call twice in a file) share a fingerprint, so matching counts them as a multiset: a
// baseline holding a fingerprint twice accepts two such findings, and a third is new.
//
// The baseline file is JSON ("tpu-migrate/baseline@1"): the target it was written for, and one
// entry per finding, with the parts of the fingerprint beside it so that a reviewer can read
// what was accepted. A saved JSON report (with fingerprints) is accepted as a baseline too.
//
// Findings depend on the target (an op that falls back on PyTorch/XLA raises on TorchTPU), so a
// baseline remembers its target. Files from before TorchTPU became the default name none: they
// were written for PyTorch/XLA (opdb::kLegacyDefaultTarget), and a scan given no target of its
// own uses the baseline's, so that a CI gate keeps accepting what it accepted.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "reports/report.h"

namespace tpu::reports {

/// `line` with leading and trailing whitespace removed and inner runs collapsed to one space.
std::string normalize_source_line(std::string_view line);

/// 16 hex digits (FNV-1a, 64 bits) over rule, path, symbol and the normalised line text.
std::string fingerprint(std::string_view rule, std::string_view path, std::string_view symbol,
                        std::string_view normalized_line);

/// The fingerprint of a finding of `report`. Its path is the one CI shows (link_path():
/// relative to where the tool ran, or to an absolute root), so that `scan .`, `scan src`
/// and a pre-commit run on `src/a.py` agree on it.
std::string fingerprint(const Report& report, const Finding& finding, std::string_view normalized_line);

struct Baseline {
  std::vector<std::string> fingerprints;  ///< one per accepted finding (repeats allowed)
  /// The target it was written for: its "target" (a baseline file), its "profile" (a JSON
  /// report), else opdb::kLegacyDefaultTarget (written before either was recorded).
  std::string target;
};

/// The baseline file for every finding of `report` (attach_sources() must have run).
std::string render_baseline(const Report& report);

/// Reads a baseline file or a JSON report. Returns the error message on failure.
std::variant<Baseline, std::string> parse_baseline(std::string_view text);

/// Marks each finding New or Unchanged and fills `report.baseline`.
void apply_baseline(Report& report, const Baseline& baseline);

}  // namespace tpu::reports
