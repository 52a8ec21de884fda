// SPDX-License-Identifier: Apache-2.0
#include "reports/gate.h"

namespace tpu::reports {

GateResult evaluate_gate(const Report& report, const GateOptions& options) {
  GateResult result;
  if (options.fail_under && report.summary.readiness < *options.fail_under) {
    result.reasons.push_back("readiness " + std::to_string(report.summary.readiness) +
                             " is under " + std::to_string(*options.fail_under) + " (--fail-under)");
  }
  if (options.fail_on) {
    size_t count = 0;
    for (size_t i = 0; i < report.scan.findings.size(); ++i) {
      if (report.scan.findings[i].severity < *options.fail_on) continue;
      if (report.baseline.active && context_of(report, i).baseline != BaselineState::New) continue;
      ++count;
    }
    if (count != 0) {
      std::string what = report.baseline.active ? " new finding" : " finding";
      result.reasons.push_back(std::to_string(count) + what + (count == 1 ? "" : "s") + " at or above " +
                               std::string(to_string(*options.fail_on)) + " (--fail-on" +
                               (report.baseline.active ? ", not in the baseline)" : ")"));
    }
  }
  result.failed = !result.reasons.empty();
  return result;
}

}  // namespace tpu::reports
