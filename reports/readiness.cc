// SPDX-License-Identifier: Apache-2.0
#include "reports/readiness.h"

namespace tpu::reports {

uint64_t finding_penalty(const Finding& finding) {
  // A safe fix is one `tpu-migrate rewrite` run away, so it weighs less; unsafe and manual
  // fixes still need a person, so they weigh in full.
  bool safe = finding.fix && finding.fix->applicability == Applicability::Safe;
  switch (finding.severity) {
    case Severity::Blocker: return safe ? 4 : 10;
    case Severity::Warning: return safe ? 1 : 3;
    case Severity::Info: return 0;
  }
  return 0;
}

uint64_t op_penalty(std::string_view status) {
  if (status == "unsupported") return 5;
  if (status == "fallback") return 2;
  return 0;  // lowered and decomposed run on the TPU; unknown is not known to hurt
}

uint64_t readiness_capacity(size_t files_scanned) { return 20 + 2 * static_cast<uint64_t>(files_scanned); }

int readiness_from(uint64_t penalty, uint64_t capacity) {
  if (penalty == 0) return 100;
  uint64_t score = 100 * capacity / (capacity + penalty);  // integer division is the floor
  return static_cast<int>(score > 99 ? 99 : score);
}

int readiness_score(const std::vector<Finding>& findings, const std::vector<OpUse>& ops,
                    size_t files_scanned) {
  uint64_t penalty = 0;
  for (const Finding& finding : findings) penalty += finding_penalty(finding);
  for (const OpUse& use : ops) penalty += op_penalty(use.status);
  return readiness_from(penalty, readiness_capacity(files_scanned));
}

std::string_view readiness_explanation() {
  return R"(Readiness (0-100): how close the scanned code is to running on a TPU.

  penalty   = per finding:  blocker 10 (4 when `tpu-migrate rewrite` fixes it safely)
                            warning  3 (1 when it has a safe mechanical fix)
                            info     0
            + per distinct aten op the code uses:
                            unsupported 5, CPU fallback 2, lowered/decomposed/unknown 0
  capacity  = 20 + 2 x files scanned   (a bigger codebase absorbs more findings)
  readiness = floor(100 x capacity / (capacity + penalty)),
              at most 99 while the penalty is above 0

100 means nothing but info remains and every op used runs on the TPU.
The score is monotone: resolving a finding or removing an op use never lowers it.
Reports also give, per file and per category, its share of the penalty and the score
the code would reach if that file or category were resolved ("readiness_without").
An op used in one file only counts towards that file; every op counts towards the
unsupported-op category.

Gate on it in CI:  tpu-migrate scan . --fail-under 60
)";
}

}  // namespace tpu::reports
