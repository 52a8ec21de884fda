// SPDX-License-Identifier: Apache-2.0
// The report for people in a terminal: findings grouped by file (repeated references to
// one rule folded into one line), then counts, the readiness score and the top blockers.
#pragma once

#include <string>

#include "reports/report.h"

namespace tpu::reports {

struct TerminalStyle {
  bool color = false;
  size_t fold_after = 3;  ///< a rule with more findings than this in a file is folded
  size_t top_blockers = 5;
};

std::string render_terminal(const Report& report, const TerminalStyle& style);

}  // namespace tpu::reports
