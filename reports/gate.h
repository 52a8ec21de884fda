// SPDX-License-Identifier: Apache-2.0
// The CI gate: does this report pass the thresholds a team set?
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reports/report.h"

namespace tpu::reports {

struct GateOptions {
  std::optional<int> fail_under;        ///< fail when readiness < this
  std::optional<Severity> fail_on;      ///< fail on any finding at or above this severity
};

struct GateResult {
  bool failed = false;
  std::vector<std::string> reasons;  ///< one sentence per failed check
};

/// With an active baseline (report.baseline), `fail_on` only counts new findings;
/// `fail_under` always judges the whole score.
GateResult evaluate_gate(const Report& report, const GateOptions& options);

}  // namespace tpu::reports
