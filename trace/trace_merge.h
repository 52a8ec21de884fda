// SPDX-License-Identifier: Apache-2.0
// `scan --trace DIR`: folds what a trace saw into a scan's result: the ops a program really ran
// (source "trace", exact call counts), TPU900/TPU901 at the lines where fallback and
// unsupported ops ran, and the runtime hazards as TPU650-TPU655 findings.
#pragma once

#include <filesystem>
#include <string>

#include "analyzer/core/rule_filter.h"
#include "analyzer/scan.h"
#include "trace/trace_data.h"

namespace tpu::runtime {

struct TraceMergeOptions {
  std::string target = std::string(opdb::kDefaultTarget);  ///< op-database target, as for the scan
  std::filesystem::path root;   ///< the scan root: trace paths are made relative to it
  std::string label = "trace";  ///< the path given to trace errors in `errors`
  const RuleFilter* filter = nullptr;  ///< --select/--ignore, as for the static findings
};

/// Merges `trace` into `result`. Trace locations outside `root` are dropped (the op still
/// counts). A trace finding at a line where the scan already has the same or the matching
/// static finding (TPU600-TPU605) is not repeated: the static finding's message gains the
/// count the trace saw. With a trace, an op's `count` is the number of calls it saw. Keeps the
/// ScanResult orders (findings by path, line, column, rule; ops by name).
/// `# tpu-migrate: ignore[…]` comments in the Python files and `filter` cover trace findings as
/// they cover static ones.
void merge_trace(ScanResult& result, const TraceData& trace, const TraceMergeOptions& options);

}  // namespace tpu::runtime
