// SPDX-License-Identifier: Apache-2.0
// The Report: a finished scan plus what every renderer shows (root, target, summary,
// breakdowns, and per-finding context such as source excerpts and baseline state).
// Renderers consume a Report and never run analysis.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "analyzer/scan.h"
#include "opdb/targets.h"
#include "reports/numerics.h"

namespace tpu::reports {

/// The op statuses of the op database, in the order reports list them.
inline constexpr std::array<std::string_view, 5> kOpStatuses = {"lowered", "decomposed", "fallback",
                                                                 "unsupported", "unknown"};

/// Counts and penalty of one slice of the findings (one file, or one category).
struct Breakdown {
  std::string key;                      ///< the path, or the category name
  std::array<size_t, 3> by_severity{};  ///< indexed by Severity
  uint64_t penalty = 0;                 ///< this slice's share of the readiness penalty
  int readiness_without = 100;          ///< the score if everything in this slice were resolved
};

struct Summary {
  int readiness = 100;  ///< 0..100, see readiness.h
  uint64_t findings_penalty = 0, ops_penalty = 0, capacity = 0;  ///< the formula's terms
  std::array<size_t, 3> by_severity{};  ///< indexed by Severity
  std::array<size_t, kCategoryCount> by_category{};
  std::array<size_t, kOpStatuses.size()> ops_by_status{};  ///< indexed like kOpStatuses
  size_t autofixable = 0;  ///< findings with a safe or unsafe mechanical fix
  std::vector<Breakdown> files;       ///< one per file with findings, sorted by path
  std::vector<Breakdown> categories;  ///< one per category with findings or a penalty,
                                      ///< sorted by penalty (highest first), then name
};

/// Where a finding stands against a `--baseline`.
enum class BaselineState : uint8_t { None, New, Unchanged };
std::string_view to_string(BaselineState state);

/// A few source lines around a finding, for the HTML report. Empty when the file could not
/// be read (a report loaded away from its sources).
struct Excerpt {
  uint32_t first_line = 0;  ///< 1-based line number of lines[0]
  std::vector<std::string> lines;
};

/// What reports add to a Finding: filled by attach_sources() and the baseline matcher.
struct FindingContext {
  std::string fingerprint;  ///< see baseline.h; stable when code moves up or down
  std::string line_text;    ///< the finding's first line, whitespace collapsed
  Excerpt excerpt;
  BaselineState baseline = BaselineState::None;
};

/// The outcome of comparing a scan with a `--baseline`.
struct BaselineComparison {
  bool active = false;
  size_t new_findings = 0, unchanged = 0;
  size_t resolved = 0;  ///< baseline entries no finding matched any more
};

struct Report {
  std::string root;     ///< the path as the user gave it
  std::string target = "tpu";
  std::string profile = std::string(opdb::kDefaultTarget);  ///< "torchtpu" or "xla" (or a non-TPU target)
  ScanResult scan;
  Summary summary;
  /// Empty, or exactly one entry per scan.findings (same order).
  std::vector<FindingContext> context;
  BaselineComparison baseline;
  double seconds = 0;
  /// Top-level JSON fields of a loaded report that this model does not hold (key, JSON text),
  /// written back unchanged by the JSON renderer.
  std::vector<std::pair<std::string, std::string>> carried_fields;
  /// A `tpu-migrate check` result shown beside the scan (HTML), when one was given.
  std::optional<Numerics> numerics;
};

/// Fills `report.summary` from `report.scan`.
void summarize(Report& report);

/// The context of finding `index`, or an empty one when none was attached.
const FindingContext& context_of(const Report& report, size_t index);

/// The tool's version, as `--version` and reports print it.
std::string_view tool_version();

/// The op status's index in kOpStatuses; kOpStatuses.size() for anything else.
size_t op_status_index(std::string_view status);

}  // namespace tpu::reports
