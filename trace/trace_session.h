// SPDX-License-Identifier: Apache-2.0
// One `tpu-migrate trace` run, end to end: prepare the trace folder, inject the hook (or start
// the TorchScript tracer), run the program under its bounds, merge the parts, write index.json.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "trace/program_runner.h"
#include "trace/trace_data.h"

namespace tpu::runtime {

struct TraceOptions {
  std::filesystem::path out_dir = "tpu-trace";
  std::vector<std::string> argv;  ///< the program: {"python", "train.py", ...}
  bool cuda_as_cpu = false;
  uint64_t limit_ops = 0;         ///< per process; 0 = none
  double max_seconds = 0;         ///< 0 = none
  uint32_t samples_per_op = 2;    ///< sampled calls per (op overload, input dtypes); 0 = none
  uint64_t max_tensor_bytes = 4ull << 20;
  uint64_t max_sample_bytes = 64ull << 20;
  double grace_seconds = 5;
};

struct TraceRun {
  RunOutcome run;
  TraceData trace;
  std::filesystem::path index;   ///< where index.json was written (empty when it was not)
  std::vector<std::string> errors;  ///< could not prepare, start or write; the trace may be partial
};

/// Runs a Python program with the hook injected (PYTHONPATH gets the hook folder first; an
/// existing sitecustomize is chained, the user's files are untouched).
TraceRun trace_python(const TraceOptions& options);

/// Runs the TorchScript tracer executable `tracer` (tpu-migrate-torchscript) on `model` with
/// `inputs` ("float32[8,3,224,224]", ...) into the same format.
TraceRun trace_torchscript(const TraceOptions& options, const std::filesystem::path& tracer,
                           const std::filesystem::path& model, const std::vector<std::string>& inputs);

/// Removes what an earlier trace left in `out_dir` (parts/, samples/, index.json, the hook,
/// stop-request) and nothing else; the error message on failure.
std::optional<std::string> prepare_trace_dir(const std::filesystem::path& out_dir);

}  // namespace tpu::runtime
