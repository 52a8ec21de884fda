// SPDX-License-Identifier: Apache-2.0
// `check` over a trace: every sampled call replayed by the engine, then grouped per op and
// sorted worst first (docs/check.md).
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "checker/check_result.h"
#include "checker/engine.h"
#include "trace/trace_data.h"

namespace tpu::checker {

struct CheckRequest {
  std::filesystem::path trace;     ///< the trace folder
  std::vector<std::string> ops;    ///< only these ("aten::addmm" or "aten::add.Tensor"); empty: all
  uint64_t max_samples_per_op = 0;  ///< 0: every sample the trace holds
};

/// Called after each sample: (done, total, the sample).
using CheckProgress = std::function<void(size_t, size_t, const SampleCheck&)>;

/// Replays the trace's samples. Samples the configuration skips are not replayed.
CheckReport run_check(Engine& engine, const runtime::TraceData& trace, const CheckRequest& request,
                      const ToleranceTable& tolerances, const CheckProgress& progress = {});

/// Groups samples per op overload, sorts (worst status, then score, then name), and counts the
/// summary. Used by run_check; public for tests.
void finish_report(CheckReport& report, std::vector<SampleCheck> samples);

/// `path` relative to `root` when it lies inside it, with '/' separators; unchanged otherwise.
std::string display_path(const std::string& path, const std::string& root);

}  // namespace tpu::checker
