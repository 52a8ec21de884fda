// SPDX-License-Identifier: Apache-2.0
// Orchestration of a trace run; the subprocess, merge and format details live in their files.
#include "trace/trace_session.h"

#include <cstdlib>
#include <fstream>

#include "trace/hook_files.h"
#include "trace/trace_parts.h"

namespace fs = std::filesystem;

namespace tpu::runtime {
namespace {

// The environment contract between the runner and the hook (hook/tpu_migrate_trace/config.py).
std::vector<std::pair<std::string, std::string>> hook_environment(const TraceOptions& options,
                                                                 const fs::path& out_dir) {
  return {
      {"TPU_MIGRATE_TRACE_DIR", out_dir.string()},
      {"TPU_MIGRATE_TRACE_CUDA_AS_CPU", options.cuda_as_cpu ? "1" : "0"},
      {"TPU_MIGRATE_TRACE_LIMIT_OPS", std::to_string(options.limit_ops)},
      {"TPU_MIGRATE_TRACE_SAMPLES_PER_OP", std::to_string(options.samples_per_op)},
      {"TPU_MIGRATE_TRACE_MAX_TENSOR_BYTES", std::to_string(options.max_tensor_bytes)},
      {"TPU_MIGRATE_TRACE_MAX_SAMPLE_BYTES", std::to_string(options.max_sample_bytes)},
  };
}

TraceRun finish(TraceRun result, const TraceOptions& options, const fs::path& out_dir, bool cuda_as_cpu) {
  std::error_code ec;
  RunFacts facts{options.argv, fs::current_path(ec).string(), cuda_as_cpu, std::nullopt,
                 result.run.stopped_by, result.run.wall_seconds, result.run.pid};
  if (result.run.started) facts.exit_code = result.run.exit_code;
  result.trace = merge_parts(out_dir, facts);
  if (std::optional<std::string> error = write_index(out_dir, result.trace)) result.errors.push_back(*error);
  else result.index = out_dir / "index.json";
  return result;
}

fs::path absolute_dir(const fs::path& dir) {
  std::error_code ec;
  fs::path absolute = fs::absolute(dir, ec);
  return ec ? dir : absolute.lexically_normal();
}

}  // namespace

std::optional<std::string> prepare_trace_dir(const fs::path& out_dir) {
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) return out_dir.string() + ": " + ec.message();
  for (const char* stale : {"parts", "samples", ".hook", "index.json", "index.json.tmp", "stop-request"}) {
    fs::remove_all(out_dir / stale, ec);
    if (ec) return (out_dir / stale).string() + ": " + ec.message();
  }
  fs::create_directories(out_dir / "parts", ec);
  if (ec) return (out_dir / "parts").string() + ": " + ec.message();
  return std::nullopt;
}

TraceRun trace_python(const TraceOptions& options) {
  TraceRun result;
  fs::path out_dir = absolute_dir(options.out_dir);
  if (auto error = prepare_trace_dir(out_dir)) {
    result.errors.push_back(*error);
    return result;
  }
  fs::path hook_dir = out_dir / ".hook";
  if (auto error = install_hook(hook_dir)) {
    result.errors.push_back(*error);
    return result;
  }
  // The hook is our Python, not the user's: keep it out of git and out of a later
  // `scan .` of a repository that holds the trace folder (discovery honours .gitignore).
  std::ofstream(hook_dir / ".gitignore", std::ios::binary)
      << "# tpu-migrate trace: the hook it injected, not your code\n*\n";
  RunOptions run{options.argv, hook_environment(options, out_dir), options.max_seconds,
                 out_dir / "stop-request", options.grace_seconds};
  const char* python_path = std::getenv("PYTHONPATH");
  std::string path = hook_dir.string();
  if (python_path != nullptr && *python_path != '\0') path += ":" + std::string(python_path);
  run.env.emplace_back("PYTHONPATH", path);
  result.run = run_program(run);
  if (!result.run.started) result.errors.push_back(result.run.error);
  return finish(std::move(result), options, out_dir, options.cuda_as_cpu);
}

TraceRun trace_torchscript(const TraceOptions& options, const fs::path& tracer, const fs::path& model,
                           const std::vector<std::string>& inputs) {
  TraceRun result;
  fs::path out_dir = absolute_dir(options.out_dir);
  if (auto error = prepare_trace_dir(out_dir)) {
    result.errors.push_back(*error);
    return result;
  }
  std::vector<std::string> argv = {tracer.string(), "trace", "--model", model.string(), "--out", out_dir.string(),
                                   "--samples-per-op", std::to_string(options.samples_per_op),
                                   "--max-tensor-bytes", std::to_string(options.max_tensor_bytes),
                                   "--max-sample-bytes", std::to_string(options.max_sample_bytes),
                                   "--limit-ops", std::to_string(options.limit_ops)};
  for (const std::string& input : inputs) {
    argv.push_back("--input");
    argv.push_back(input);
  }
  TraceOptions described = options;
  described.argv = argv;
  RunOptions run{argv, {}, options.max_seconds, out_dir / "stop-request", options.grace_seconds};
  result.run = run_program(run);
  if (!result.run.started) result.errors.push_back(result.run.error);
  return finish(std::move(result), described, out_dir, false);
}

}  // namespace tpu::runtime
