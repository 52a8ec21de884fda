// SPDX-License-Identifier: Apache-2.0
// `tpu-migrate check [TRACE]`: replay the op calls a trace sampled on a candidate (a device,
// a device worker in the user's Python, or TPU arithmetic emulated on the CPU) against a
// float64 CPU reference, and judge each op pass / warn / fail (docs/check.md).
// `tpu-migrate check --model model.pt --input 'float32[8,16]'`: one forward and backward of a
// whole model, compared layer by layer.
//
// Exit codes: 0 nothing fails, 1 an op or the model fails (the CI gate), 2 usage or fatal
// error, including a build without libtorch.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

#include "checker/check_config.h"
#include "checker/check_json.h"
#include "checker/check_table.h"
#include "checker/damage_spec.h"
#include "checker/engine_loader.h"
#include "checker/precision_defaults.h"
#include "checker/run_check.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "opdb/targets.h"
#include "reports/report.h"
#include "trace/trace_data.h"

namespace fs = std::filesystem;

namespace tpu::cli {
namespace {

struct CheckArguments {
  std::string trace;
  std::string device = "cpu";
  bool worker = false;
  std::string python;
  std::string emulate;
  std::string target;  ///< whose precision defaults --emulate tpu follows; empty: the default target
  std::string precision = "default";
  std::vector<std::string> ops;
  uint64_t max_samples = 0;
  std::string model;
  std::vector<std::string> inputs;
  uint64_t seed = 0;
  std::string format = "terminal";
  std::string output;
  std::string config;
  std::string color = "auto";
  bool all = false;
  double worker_timeout = 600;
  std::vector<std::string> perturb;
};

std::string default_python() {
  std::error_code ec;
  return fs::exists("/usr/bin/python3", ec) ? "/usr/bin/python3" : "python3";
}

fs::path executable_dir() {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::current_path() : self.parent_path();
}

// A private folder for the worker script and its output files, removed when done.
struct ScratchDir {
  fs::path path;
  ScratchDir() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/tpu-migrate-check-XXXXXX";
    if (::mkdtemp(pattern.data())) path = pattern;
  }
  ~ScratchDir() {
    std::error_code ec;
    if (!path.empty()) fs::remove_all(path, ec);
  }
};

bool is_libtorch_device(const std::string& device) {
  return device == "cpu" || device == "cuda" || device.starts_with("cuda:");
}

// Checks the combination of options and fills the engine's. Returns an error message.
std::string engine_options(const CheckArguments& args, checker::EngineOptions& options) {
  using checker::Executor;
  if (args.precision == "default") options.precision = checker::Precision::Default;
  else if (args.precision == "high") options.precision = checker::Precision::High;
  else if (args.precision == "highest") options.precision = checker::Precision::Highest;
  else return "--precision must be default, high or highest";
  options.device = args.device;
  options.python = args.python.empty() ? default_python() : args.python;
  options.worker_timeout_seconds = args.worker_timeout;
  if (!args.emulate.empty()) {
    if (args.emulate != "tpu") return "--emulate takes `tpu`";
    if (args.device != "cpu") return "--emulate tpu runs on the CPU; leave --device out";
    if (args.worker) return "--emulate tpu runs in libtorch; drop --worker";
  } else if (!args.target.empty()) {
    return "--target names whose precision defaults --emulate tpu follows; add --emulate tpu";
  }
  if (!args.emulate.empty()) {
    options.executor = Executor::EmulateTpu;
  } else if (args.device == "perturb-test") {
    if (args.worker) return "perturb-test is a libtorch test executor; drop --worker";
    options.executor = Executor::PerturbTest;
  } else if (args.worker || !is_libtorch_device(args.device)) {
    options.executor = Executor::PythonWorker;
  } else {
    options.executor = Executor::Libtorch;
  }
  for (const std::string& spec : args.perturb)
    if (std::string error; !checker::parse_damage_spec(spec, &error)) return error;
  if (!args.perturb.empty() && options.executor == Executor::PythonWorker && args.model.empty())
    return args.worker ? "--perturb damages ops in libtorch (cpu, --emulate tpu, perturb-test); drop --worker"
                       : "--perturb on device " + args.device + " needs --model: op damage runs in libtorch (cpu, --emulate tpu, perturb-test)";
  options.perturb = args.perturb;
  return "";
}

int run_check_command(const CheckArguments& args) {
  using namespace tpu::checker;
  if (!engine_built()) {
    std::cerr << "tpu-migrate check: this build of tpu-migrate has no libtorch (it was configured without "
                 "libtorch-dev), so it cannot replay ops; install libtorch-dev and rebuild\n";
    return kExitError;
  }
  if (args.format != "terminal" && args.format != "json") {
    std::cerr << "tpu-migrate check: --format must be terminal or json\n";
    return kExitError;
  }
  EngineOptions options;
  if (std::string error = engine_options(args, options); !error.empty()) {
    std::cerr << "tpu-migrate check: " << error << "\n";
    return kExitError;
  }

  // The trace: given, or ./tpu-trace (trace's default --out) unless only a model is checked.
  std::optional<runtime::TraceData> trace;
  fs::path trace_dir = args.trace.empty() ? fs::path("tpu-trace") : fs::path(args.trace);
  if (!args.trace.empty() || args.model.empty()) {
    std::error_code ec;
    if (!fs::exists(trace_dir, ec)) {
      std::cerr << "tpu-migrate check: no trace at " << trace_dir.string()
                << " (make one with `tpu-migrate trace --out DIR -- python train.py`, or check a model with --model)\n";
      return kExitError;
    }
    if (trace_dir.filename() == "index.json") trace_dir = trace_dir.parent_path();
    trace = runtime::load_trace(trace_dir);
    if (trace->ops.empty() && !trace->errors.empty()) {
      std::cerr << "tpu-migrate check: cannot read the trace: " << trace->errors.front() << "\n";
      return kExitError;
    }
  }

  ConfigResult config;
  if (!args.config.empty()) {
    config = parse_check_config(args.config);
    if (config.error.empty() && !config.config) config.error = args.config + ": no [tool.tpu-migrate] table";
  } else {
    std::error_code ec;
    fs::path start = trace && !trace->cwd.empty() && fs::is_directory(trace->cwd, ec) ? fs::path(trace->cwd)
                                                                                       : fs::current_path();
    config = load_check_config(start);
  }
  if (!config.error.empty()) {
    std::cerr << "tpu-migrate check: " << config.error << "\n";
    return kExitError;
  }
  options.tolerances = config.config->tolerances;

  ScratchDir scratch;
  if (scratch.path.empty()) {
    std::cerr << "tpu-migrate check: cannot create a temporary folder\n";
    return kExitError;
  }
  options.scratch_dir = scratch.path;
  options.worker_script = std::string(worker_script());

  std::string error;
  const auto search = engine_search_paths(executable_dir());
  std::unique_ptr<Engine> engine = load_engine(options, search, &error);
  if (!engine && options.executor == Executor::Libtorch && options.device != "cpu" && !args.worker) {
    // This libtorch has no CUDA (Debian's has none): try the user's Python instead.
    std::string libtorch_error = error;
    options.executor = Executor::PythonWorker;
    engine = load_engine(options, search, &error);
    if (!engine) error = libtorch_error + "\n  and the Python worker: " + error;
  }
  if (!engine) {
    std::cerr << "tpu-migrate check: " << error << "\n";
    return kExitError;
  }

  const bool progress = ::isatty(2) && args.format == "terminal" && args.output.empty();
  CheckReport report;
  if (trace) {
    CheckRequest request;
    request.trace = trace_dir;
    request.ops = args.ops;
    request.max_samples_per_op = args.max_samples;
    CheckProgress meter;
    if (progress)
      meter = [](size_t done, size_t total, const SampleCheck& sample) {
        std::cerr << "\r\x1b[Kcheck " << done << "/" << total << " " << sample.op << "." << sample.overload << std::flush;
      };
    report = run_check(*engine, *trace, request, options.tolerances, meter);
    if (progress) std::cerr << "\r\x1b[K" << std::flush;
  } else {
    report.candidate = engine->candidate();
  }
  if (options.executor == checker::Executor::EmulateTpu) {
    report.emulated_target = !args.target.empty()         ? args.target
                             : config.config->target ? *config.config->target
                                                     : std::string(opdb::kDefaultTarget);
    report.precision_defaults = checker::precision_defaults(report.emulated_target, options.precision);
  }
  if (!config.config->source.empty()) report.config = config.config->source.string();
  if (!args.model.empty()) {
    ModelJob job;
    job.model = args.model;
    job.inputs = args.inputs;
    job.seed = args.seed;
    job.cwd = fs::current_path();
    report.model = engine->check_model(job);
    if (report.model->status == Status::Error) {
      std::cerr << "tpu-migrate check: --model " << args.model << ": " << report.model->reason << "\n";
      return kExitError;
    }
  }

  std::string text;
  if (args.format == "json") {
    text = check_json(report, reports::tool_version());
  } else {
    TableOptions table;
    table.all = args.all;
    table.color = args.color == "always" || (args.color == "auto" && args.output.empty() && stdout_wants_color());
    text = check_table(report, table);
  }
  if (std::string write_error = write_output(args.output, text); !write_error.empty()) {
    std::cerr << "tpu-migrate check: " << write_error << "\n";
    return kExitError;
  }
  return overall_verdict(report) == "fail" ? kExitGateFailed : kExitOk;
}

}  // namespace

void add_check_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<CheckArguments>();
  CLI::App* command = app.add_subcommand(
      "check",
      "Replay the ops a trace sampled on a device (or TPU arithmetic emulated on the CPU) against a float64\n"
      "reference and judge each op pass / warn / fail; --model compares a whole model layer by layer.\n\n"
      "Examples:\n"
      "  tpu-migrate check tpu-trace --emulate tpu              predict TPU drift on this machine\n"
      "  tpu-migrate check tpu-trace --emulate tpu --precision highest\n"
      "  tpu-migrate check tpu-trace --device xla --python ~/venv/bin/python   on a TPU VM\n"
      "  tpu-migrate check --model model.pt --input 'float32[8,16]' --emulate tpu\n\n"
      "Exit codes: 0 nothing fails, 1 an op or the model fails, 2 usage or fatal error.");
  command->add_option("trace", args->trace, "Trace folder from `tpu-migrate trace` (default: ./tpu-trace)");
  command->add_option("--device", args->device,
                      "Candidate device: cpu (default), cuda, xla, mps, xpu, or any torch device; perturb-test is a "
                      "test executor that adds a 10% error");
  command->add_flag("--worker", args->worker, "Run the candidate in a device worker of --python even for cpu/cuda");
  command->add_option("--python", args->python, "Python for the device worker (default: /usr/bin/python3, else python3)");
  command->add_option("--emulate", args->emulate,
                      "Emulate a target's arithmetic on the CPU: tpu (the matmul precision defaults PyTorch/XLA and "
                      "TorchTPU share: DEFAULT is one bfloat16 pass)");
  command->add_option("--target", args->target,
                      "With --emulate tpu: whose precision defaults to follow and name, torchtpu (TorchTPU, the "
                      "default: torch.tpu.Precision) or xla (PyTorch/XLA: set_mat_mul_precision); without it, "
                      "the configuration's `target`")
      ->check(CLI::IsMember({"torchtpu", "xla"}));
  command->add_option("--precision", args->precision,
                      "Matmul/convolution precision: default (1 bfloat16 pass), high (bf16x3), highest (float32)");
  // allow_extra_args(false): `--op aten::mm TRACE` must not take TRACE as a second op.
  command->add_option("--op", args->ops, "Only this op, e.g. aten::addmm or aten::add.Tensor (repeatable)")
      ->allow_extra_args(false);
  command->add_option("--max-samples", args->max_samples, "At most N samples per op (default: all)");
  command->add_option("--model", args->model, "Whole model: a TorchScript file, or module:callable returning a module");
  command->add_option("--input", args->inputs, "A model input, e.g. float32[8,16] or int64[4,32]:0:100 (repeatable)")
      ->allow_extra_args(false);
  command->add_option("--seed", args->seed, "Seed for --input values and the backward cotangent (default 0)");
  command->add_option("--format", args->format, "terminal (default) or json");
  command->add_option("--output,-o", args->output, "Write the report to FILE instead of stdout");
  command->add_option("--config", args->config, "Tolerances from this pyproject.toml or tpu-migrate.toml");
  command->add_option("--color", args->color, "auto, always or never")->check(CLI::IsMember({"auto", "always", "never"}));
  command->add_flag("--all", args->all, "List passing and skipped ops too");
  command->add_option("--worker-timeout", args->worker_timeout, "Seconds a worker may take per request (default 600)");
  command->add_option("--perturb", args->perturb,
                      "Test the checker: damage op NAME's result (with --model, module NAME's output) by 10%, or "
                      "NAME=float16 to compute it in float16 (repeatable; not a device)");
  command->callback([args, &exit_code] { exit_code = run_check_command(*args); });
}

}  // namespace tpu::cli
