// SPDX-License-Identifier: Apache-2.0
#include "reports/readiness.h"

#include <algorithm>
#include <cmath>

namespace tpu::reports {

int readiness_score(const std::vector<Finding>& findings, size_t files_scanned) {
  double penalty = 0;
  for (const Finding& finding : findings) {
    switch (finding.severity) {
      case Severity::Blocker: penalty += 10; break;
      case Severity::Warning:
        penalty += finding.fix && finding.fix->applicability == Applicability::Safe ? 1 : 3;
        break;
      case Severity::Info: break;
    }
  }
  if (penalty == 0) return 100;
  double capacity = 20.0 + 2.0 * static_cast<double>(files_scanned);
  int score = static_cast<int>(std::floor(100.0 * capacity / (capacity + penalty)));
  return std::clamp(score, 0, 99);
}

std::string_view readiness_explanation() {
  return R"(Readiness (0-100): how close the scanned code is to running on a TPU.

  penalty   = 10 per blocker
            +  3 per warning without a safe mechanical fix
            +  1 per warning that `tpu-migrate rewrite` fixes safely
            (info findings cost nothing)
  capacity  = 20 + 2 x files scanned
  readiness = floor(100 x capacity / (capacity + penalty)), at most 99 while any
              blocker or warning remains

100 means nothing but info remains. Resolving any finding never lowers the score.
)";
}

}  // namespace tpu::reports
