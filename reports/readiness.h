// SPDX-License-Identifier: Apache-2.0
// The porting-readiness score (first formula; the CI-gate issue settles the final one).
//
//   penalty   = Σ blocker·10 + warning·(1 with a safe fix, else 3); info costs nothing
//   capacity  = 20 + 2 · files scanned        (a bigger codebase absorbs more findings)
//   readiness = ⌊100 · capacity / (capacity + penalty)⌋, at most 99 while penalty > 0
//
// It is 100 exactly when nothing but info remains, and monotone: removing a finding never
// lowers it, because the penalty only shrinks.
#pragma once

#include <vector>

#include "analyzer/core/finding.h"

namespace tpu::reports {

int readiness_score(const std::vector<Finding>& findings, size_t files_scanned);

/// The formula in words, for `tpu-migrate explain readiness`.
std::string_view readiness_explanation();

}  // namespace tpu::reports
