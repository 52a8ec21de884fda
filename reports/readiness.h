// SPDX-License-Identifier: Apache-2.0
// The porting-readiness score: one number from 0 to 100 that CI can gate on.
//
//   penalty   = Σ over findings:  blocker 10 (4 with a safe fix), warning 3 (1 with a safe
//                                 fix), info 0
//             + Σ over distinct aten ops used:  unsupported 5, fallback 2, others 0
//   capacity  = 20 + 2 · files scanned        (a bigger codebase absorbs more findings)
//   readiness = ⌊100 · capacity / (capacity + penalty)⌋, at most 99 while penalty > 0
//
// It is 100 exactly when the penalty is 0: no blocker or warning remains and no op falls
// back to the CPU or is unsupported. It is monotone: every term is a non-negative sum over
// findings and ops, so resolving a finding (or an op use) can only shrink the penalty, and
// a smaller penalty never gives a smaller score. Ops count once each, however many call
// sites they have, because their call sites are findings already (TPU900/TPU901); the op
// term measures how much of the op surface still needs work.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "analyzer/core/finding.h"

namespace tpu::reports {

/// What one finding adds to the penalty.
uint64_t finding_penalty(const Finding& finding);

/// What one used op adds to the penalty, from its status ("fallback", "unsupported", ...).
uint64_t op_penalty(std::string_view status);

/// How much penalty a codebase of this size absorbs before the score halves.
uint64_t readiness_capacity(size_t files_scanned);

/// The score from the formula's two terms.
int readiness_from(uint64_t penalty, uint64_t capacity);

/// The whole formula.
int readiness_score(const std::vector<Finding>& findings, const std::vector<OpUse>& ops,
                    size_t files_scanned);

/// The formula in words, for `tpu-migrate explain readiness` and docs/ci.md.
std::string_view readiness_explanation();

}  // namespace tpu::reports
