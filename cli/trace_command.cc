// SPDX-License-Identifier: Apache-2.0
// `tpu-migrate trace [options] -- PROGRAM ARGS...`: run a program with the op recorder injected;
// `tpu-migrate trace --torchscript model.pt --input 'float32[1,3,224,224]'`: trace a TorchScript
// module with libtorch (the separate tpu-migrate-torchscript executable).
//
// stdout and stderr belong to the program; this command only adds a summary on stderr. The
// exit code is the program's own, 0 when a bound (--max-seconds, --limit-ops) stopped it and the
// trace was kept, 2 when the trace could not be made.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>


#include "checker/engine_loader.h"
#include "cli/commands.h"
#include "trace/trace_session.h"

namespace fs = std::filesystem;

namespace tpu::cli {
namespace {

struct TraceArguments {
  std::string out = "tpu-trace";
  bool cuda_as_cpu = false;
  uint64_t limit_ops = 0;
  double max_seconds = 0;
  uint32_t samples_per_op = 2;
  double max_tensor_mb = 4;
  double max_sample_mb = 64;
  std::string torchscript;
  std::vector<std::string> inputs;
  std::vector<std::string> program;  // after `--`; without it, prefix_command() leaves it in remaining()
};

// CLI11 reorders a program's arguments (its options go to remaining(), its positionals to our
// positional), so the program is taken from the real argv: everything after `--`, or from the
// first token after `trace` that is neither one of our options nor an option's value.
std::vector<std::string> program_from_cmdline(const std::vector<std::string>& fallback) {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::vector<std::string> argv;
  for (std::string token; std::getline(in, token, '\0');) argv.push_back(token);
  auto trace = std::find(argv.begin() + (argv.empty() ? 0 : 1), argv.end(), "trace");
  if (trace == argv.end()) return fallback;
  static const std::set<std::string> kWithValue = {"--out", "-o", "--limit-ops", "--max-seconds",
                                                   "--samples-per-op", "--max-tensor-mb", "--max-sample-mb",
                                                   "--torchscript", "--input"};
  for (auto it = trace + 1; it != argv.end(); ++it) {
    if (*it == "--") return {it + 1, argv.end()};
    if (!it->starts_with("-")) return {it, argv.end()};
    if (kWithValue.count(*it) && it + 1 != argv.end()) ++it;
  }
  return {};
}

// tpu-migrate-torchscript sits next to tpu-migrate (same build folder, same install bin/), or
// on PATH; empty when it is nowhere (the tool was installed without its libtorch package).
fs::path torchscript_tracer() {
  if (const char* forced = std::getenv("TPU_MIGRATE_TORCHSCRIPT")) return forced;
  constexpr const char* kTracer = "tpu-migrate-torchscript";
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    fs::path beside = self.parent_path() / kTracer;
    if (fs::exists(beside, ec)) return beside;
  }
  const char* path = std::getenv("PATH");
  for (std::string_view rest = path ? path : ""; !rest.empty();) {
    size_t colon = rest.find(':');
    fs::path candidate = fs::path(rest.substr(0, colon)) / kTracer;
    if (!candidate.parent_path().empty() && fs::exists(candidate, ec)) return candidate;
    rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
  }
  return {};
}

std::string megabytes(uint64_t bytes) {
  std::ostringstream out;
  out.precision(1);
  out << std::fixed << static_cast<double>(bytes) / (1 << 20) << " MiB";
  return out.str();
}

void print_summary(const runtime::TraceRun& run) {
  const runtime::TraceData& trace = run.trace;
  uint64_t sample_bytes = 0;
  for (const auto& sample : trace.samples) sample_bytes += sample.bytes;
  std::cerr << "tpu-migrate trace: " << trace.total_calls << " op calls, " << trace.ops.size() << " ops, "
            << trace.processes.size() << (trace.processes.size() == 1 ? " process, " : " processes, ")
            << trace.hazards.size() << " hazards, " << trace.samples.size() << " sampled calls ("
            << megabytes(sample_bytes) << ")";
  if (!run.index.empty()) std::cerr << " -> " << run.index.string();
  std::cerr << "\n";
  if (!trace.stopped_by.empty())
    std::cerr << "tpu-migrate trace: stopped by " << trace.stopped_by << " after " << trace.wall_seconds
              << " s; the trace so far is kept\n";
  // What the trace could not follow, named where the program called it; the program's own
  // error (if it failed there) is above, and the exit code is still the program's.
  for (const runtime::Hazard& hazard : trace.hazards)
    if (hazard.kind == runtime::HazardKind::CudaOnly)
      std::cerr << "tpu-migrate trace: cannot follow: " << hazard.op << " at " << hazard.path << ":"
                << hazard.line << " (" << hazard.count << (hazard.count == 1 ? " call" : " calls") << "): CUDA-only code\n";
  for (const std::string& error : trace.errors) std::cerr << "tpu-migrate trace: warning: " << error << "\n";
  for (const std::string& error : run.errors) std::cerr << "tpu-migrate trace: error: " << error << "\n";
}

int exit_code_of(const runtime::TraceRun& run) {
  if (!run.run.started || run.index.empty()) return kExitError;
  if (run.run.stopped_by == "max-seconds" || run.run.stopped_by == "limit-ops") return kExitOk;
  return run.run.exit_code;
}

}  // namespace

void add_trace_command(CLI::App& app, int& exit_code) {
  auto arguments = std::make_shared<TraceArguments>();
  CLI::App* command = app.add_subcommand(
      "trace",
      "Run a program and record the aten ops it dispatches (dtypes, shapes, counts, source lines),\n"
      "runtime hazards and sampled inputs for `check`.\n\n"
      "Examples:\n"
      "  tpu-migrate trace -- python train.py --steps 3\n"
      "  tpu-migrate trace --cuda-as-cpu --max-seconds 120 --out trace -- python train.py\n"
      "  tpu-migrate trace --torchscript model.pt --input 'float32[8,3,224,224]'\n"
      "  tpu-migrate scan . --trace trace               merge the trace into the report");
  command->prefix_command();  // everything from the program's name on belongs to the program
  command->add_option("--out,-o", arguments->out, "trace folder (default: ./tpu-trace)");
  command->add_flag("--cuda-as-cpu", arguments->cuda_as_cpu,
                    "run a CUDA program on the CPU: CUDA devices, autocast, GradScaler, NCCL redirected");
  command->add_option("--limit-ops", arguments->limit_ops,
                      "stop the program once a process has dispatched N ops (0: no limit)");
  command->add_option("--max-seconds", arguments->max_seconds,
                      "stop the program after S seconds (SIGINT, then SIGTERM, then SIGKILL)");
  command->add_option("--samples-per-op", arguments->samples_per_op,
                      "sampled calls saved per op overload and input dtypes (default 2; 0: none)");
  command->add_option("--max-tensor-mb", arguments->max_tensor_mb,
                      "larger tensors are described, not saved (default 4)");
  command->add_option("--max-sample-mb", arguments->max_sample_mb,
                      "total size of the saved samples, all processes together (default 64)");
  command->add_option("--torchscript", arguments->torchscript,
                      "trace this TorchScript module with libtorch instead of running a program");
  command->add_option("--input", arguments->inputs,
                      "a forward input for --torchscript: DTYPE[D0,D1,...], e.g. float32[8,3,224,224]; "
                      "int64[8,32]:0:65 draws integers in [0, 65)");
  command->add_option("program", arguments->program, "the program and its arguments (after --)");
  command->callback([arguments, command, &exit_code] {
    runtime::TraceOptions options;
    options.out_dir = arguments->out;
    std::vector<std::string> parsed = arguments->program;
    for (const std::string& extra : command->remaining())
      if (extra != "--") parsed.push_back(extra);
    options.argv = program_from_cmdline(parsed);
    options.cuda_as_cpu = arguments->cuda_as_cpu;
    options.limit_ops = arguments->limit_ops;
    options.max_seconds = arguments->max_seconds;
    options.samples_per_op = arguments->samples_per_op;
    options.max_tensor_bytes = static_cast<uint64_t>(arguments->max_tensor_mb * (1 << 20));
    options.max_sample_bytes = static_cast<uint64_t>(arguments->max_sample_mb * (1 << 20));
    runtime::TraceRun run;
    if (!arguments->torchscript.empty()) {
      if (!options.argv.empty()) {
        std::cerr << "tpu-migrate trace: give either --torchscript or a program, not both\n";
        exit_code = kExitError;
        return;
      }
      if (arguments->inputs.empty()) {
        std::cerr << "tpu-migrate trace: --torchscript needs at least one --input DTYPE[SHAPE]\n";
        exit_code = kExitError;
        return;
      }
      fs::path tracer = torchscript_tracer();
      if (tracer.empty()) {
        std::cerr << "tpu-migrate trace: --torchscript needs tpu-migrate-torchscript, beside tpu-migrate or "
                     "on PATH; it comes with the "
                  << checker::torch_package_name()
                  << " package (which installs libtorch), or build tpu-migrate with libtorch-dev\n";
        exit_code = kExitError;
        return;
      }
      run = runtime::trace_torchscript(options, tracer, arguments->torchscript, arguments->inputs);
    } else {
      if (options.argv.empty()) {
        std::cerr << "tpu-migrate trace: no program given; usage: tpu-migrate trace [options] -- python "
                     "train.py ARGS...\n";
        exit_code = kExitError;
        return;
      }
      run = runtime::trace_python(options);
    }
    std::fflush(stdout);
    print_summary(run);
    exit_code = exit_code_of(run);
  });
}

}  // namespace tpu::cli
