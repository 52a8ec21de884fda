// SPDX-License-Identifier: Apache-2.0
// Turns the per-process part files of a trace folder into one TraceData, and writes the index.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "trace/trace_data.h"

namespace tpu::runtime {

/// What the runner knows about the run, which no part can know.
struct RunFacts {
  std::vector<std::string> command;
  std::string cwd;
  bool cuda_as_cpu = false;
  std::optional<int> exit_code;
  std::string stopped_by;
  double wall_seconds = 0;
  int64_t main_pid = 0;  ///< the process the runner started; other fresh interpreters are "spawned"
};

/// Reads every parts/p*.json of `trace_dir` (unreadable ones become `errors`), merges them
/// (counts added, exact shapes unioned per source line, shapes bucketed to powers of two for
/// the index), and finds the runtime hazards (trace_hazards.h).
TraceData merge_parts(const std::filesystem::path& trace_dir, const RunFacts& run);

/// Writes `trace_dir`/index.json atomically; the error message on failure.
std::optional<std::string> write_index(const std::filesystem::path& trace_dir, const TraceData& trace);

/// Rounds each dimension up to a power of two (0 and 1 stay), the index's shape buckets.
int64_t shape_bucket(int64_t dimension);

}  // namespace tpu::runtime
