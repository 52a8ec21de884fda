// SPDX-License-Identifier: Apache-2.0
// The Report: a finished scan plus what every renderer shows (root, target, summary).
// Renderers consume a Report and never run analysis.
#pragma once

#include <array>
#include <string>

#include "analyzer/scan.h"

namespace tpu::reports {

struct Summary {
  int readiness = 100;  ///< 0..100, see readiness.h
  std::array<size_t, 3> by_severity{};  ///< indexed by Severity
  std::array<size_t, kCategoryCount> by_category{};
  size_t autofixable = 0;  ///< findings with a safe or unsafe mechanical fix
};

struct Report {
  std::string root;     ///< the path as the user gave it
  std::string target = "tpu";
  std::string profile = "xla";  ///< "xla" or "torchtpu"
  ScanResult scan;
  Summary summary;
  double seconds = 0;
};

/// Fills `report.summary` from `report.scan`.
void summarize(Report& report);

/// The tool's version, as `--version` and reports print it.
std::string_view tool_version();

}  // namespace tpu::reports
