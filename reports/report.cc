// SPDX-License-Identifier: Apache-2.0
#include "reports/report.h"

#include <algorithm>
#include <map>

#include "reports/readiness.h"

#ifndef TPU_MIGRATE_VERSION
#define TPU_MIGRATE_VERSION "0.0.0-dev"
#endif

namespace tpu::reports {
namespace {

// The single file an op is used in, or empty when it is used in several (or none): only
// then can resolving one file remove the op.
std::string only_file(const OpUse& use) {
  if (use.locations.empty()) return {};
  const std::string& first = use.locations.front().path;
  for (const Location& at : use.locations)
    if (at.path != first) return {};
  return first;
}

}  // namespace

std::string_view tool_version() { return TPU_MIGRATE_VERSION; }

std::string_view to_string(BaselineState state) {
  switch (state) {
    case BaselineState::None: return "none";
    case BaselineState::New: return "new";
    case BaselineState::Unchanged: return "unchanged";
  }
  return "none";
}

size_t op_status_index(std::string_view status) {
  auto it = std::find(kOpStatuses.begin(), kOpStatuses.end(), status);
  return static_cast<size_t>(it - kOpStatuses.begin());
}

const FindingContext& context_of(const Report& report, size_t index) {
  static const FindingContext kEmpty;
  return index < report.context.size() ? report.context[index] : kEmpty;
}

void summarize(Report& report) {
  Summary summary;
  std::map<std::string, Breakdown> files;
  std::map<Category, Breakdown> categories;
  for (const Finding& finding : report.scan.findings) {
    size_t severity = static_cast<size_t>(finding.severity);
    uint64_t penalty = finding_penalty(finding);
    ++summary.by_severity[severity];
    ++summary.by_category[static_cast<size_t>(finding.category)];
    if (finding.fix && finding.fix->applicability != Applicability::Manual) ++summary.autofixable;
    summary.findings_penalty += penalty;
    for (Breakdown* slice : {&files[finding.location.path], &categories[finding.category]}) {
      ++slice->by_severity[severity];
      slice->penalty += penalty;
    }
  }
  for (const OpUse& use : report.scan.ops) {
    size_t status = op_status_index(use.status);
    if (status < summary.ops_by_status.size()) ++summary.ops_by_status[status];
    uint64_t penalty = op_penalty(use.status);
    if (penalty == 0) continue;
    summary.ops_penalty += penalty;
    // Resolving the unsupported-op category means every op runs on the TPU.
    categories[Category::UnsupportedOp].penalty += penalty;
    if (std::string path = only_file(use); !path.empty()) files[path].penalty += penalty;
  }

  summary.capacity = readiness_capacity(report.scan.files_scanned);
  uint64_t total = summary.findings_penalty + summary.ops_penalty;
  summary.readiness = readiness_from(total, summary.capacity);
  auto finish = [&](Breakdown& slice) {
    slice.readiness_without = readiness_from(total - slice.penalty, summary.capacity);
  };
  for (auto& [path, slice] : files) {
    slice.key = path;
    finish(slice);
    summary.files.push_back(slice);
  }
  for (auto& [category, slice] : categories) {
    slice.key = std::string(to_string(category));
    finish(slice);
    summary.categories.push_back(slice);
  }
  std::stable_sort(summary.categories.begin(), summary.categories.end(),
                   [](const Breakdown& a, const Breakdown& b) { return a.penalty > b.penalty; });
  report.summary = std::move(summary);
}

}  // namespace tpu::reports
