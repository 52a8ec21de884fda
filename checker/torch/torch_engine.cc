// SPDX-License-Identifier: Apache-2.0
// The replay engine (libtpu_checker_torch.so): for each sample, the float64 reference on the
// CPU, the baseline (the output recorded on the source device, or the op on the CPU in its own
// dtypes), the candidate (a libtorch device, TPU emulation, the perturbing test executor or a
// Python device worker), then metrics and verdicts per output.
#include <chrono>
#include <fstream>
#include <limits>
#include <memory>

#include <torch/version.h>

#include "checker/engine.h"
#include "checker/torch/compare.h"
#include "checker/torch/dtype_names.h"
#include "checker/torch/model_compare.h"
#include "checker/torch/pt_file.h"
#include "checker/torch/python_worker.h"
#include "checker/torch/sample_call.h"
#include "checker/torch/test_damage.h"
#include "checker/torch/tpu_emulation.h"
#include "checker/verdict.h"

namespace tpu::checker {
namespace {

namespace fs = std::filesystem;

// The candidate device raised while running the op: a failure, not a tool error.
class CandidateRaised : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The worker could not be (re)started: a tool error for the sample, not the device's fault.
class WorkerUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string message_of(const std::exception& error) {
  if (const auto* c10_error = dynamic_cast<const c10::Error*>(&error)) {
    std::string text = c10_error->what_without_backtrace();
    if (auto cut = text.find("\nException raised from"); cut != std::string::npos) text.resize(cut);
    return text;
  }
  return error.what();
}

std::string libtorch_version() {
  return std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) + "." +
         std::to_string(TORCH_VERSION_PATCH);
}

// libtorch's default warning handler prints to stderr; the engine is a library and must not.
// Warnings raised while replaying a call are kept and quoted in its reason instead.
class CollectWarnings final : public c10::WarningHandler {
 public:
  void process(const c10::SourceLocation&, const std::string& message, const bool) override {
    if (messages.size() < 3) messages.push_back(message);
  }
  std::vector<std::string> messages;
};

class TorchEngine final : public Engine {
 public:
  explicit TorchEngine(EngineOptions options) : options_(std::move(options)) {}

  bool init(std::string* error) {
    if (options_.executor == Executor::Libtorch && options_.device != "cpu") {
      c10::Device device(c10::kCPU);
      try {
        device = c10::Device(options_.device);
      } catch (const std::exception& e) {
        *error = "not a torch device: " + options_.device;
        return false;
      }
      if (device.is_cuda() && !at::hasCUDA()) {
        *error = "this libtorch (" + libtorch_version() +
                 ") was built without CUDA (Debian's libtorch is CPU-only); check on a CUDA device with "
                 "--worker and a Python whose torch has CUDA (--python)";
        return false;
      }
      if (!device.is_cuda() && !device.is_cpu()) {
        *error = "libtorch here cannot run on " + options_.device + "; use --worker (a device worker in Python)";
        return false;
      }
      device_ = device;
    }
    if (options_.executor == Executor::PythonWorker) {
      worker_ = start_worker(options_.device, error);
      if (!worker_) return false;
    }
    return true;
  }

  CandidateInfo candidate() const override {
    CandidateInfo info;
    info.device = options_.device;
    info.precision = std::string(to_string(options_.precision));
    info.executor = std::string(to_string(options_.executor));
    switch (options_.executor) {
      case Executor::Libtorch:
        info.description = "libtorch " + libtorch_version() + " on " + options_.device;
        break;
      case Executor::PythonWorker:
        info.description = worker_->hello().device + " via " + options_.python + " (" + worker_->hello().description + ")";
        if (!worker_->hello().precision.empty()) info.description += "; precision: " + worker_->hello().precision;
        break;
      case Executor::EmulateTpu:
        info.device = "cpu";
        info.description = "TPU arithmetic emulated on the CPU (libtorch " + libtorch_version() + ", matmul precision " +
                           info.precision + ")";
        break;
      case Executor::PerturbTest:
        info.description = options_.perturb.empty()
                               ? "test executor: the CPU result with every element 10% off (not a device)"
                               : "test executor: the CPU result (not a device)";
        break;
    }
    for (const std::string& spec : options_.perturb) {
      info.description += info.description.find("; test damage:") == std::string::npos ? "; test damage: " : ", ";
      info.description += spec;
    }
    return info;
  }

  SampleCheck replay(const SampleJob& job) override {
    auto start = std::chrono::steady_clock::now();
    SampleCheck sample;
    sample.file = job.file;
    CollectWarnings warnings;
    c10::Warning::WarningHandlerGuard quiet(&warnings);
    try {
      replay_into(job, sample);
    } catch (const NotReplayable& reason) {
      sample.status = Status::Skipped;
      sample.reason = reason.what();
    } catch (const CandidateRaised& error) {
      sample.status = Status::Fail;
      sample.score = std::numeric_limits<double>::infinity();
      sample.reason = error.what();
    } catch (const std::exception& error) {
      sample.status = Status::Error;
      sample.reason = message_of(error);
    }
    if (!warnings.messages.empty()) sample.reason += "; libtorch warned: " + warnings.messages.front();
    sample.total_seconds = seconds_since(start);
    return sample;
  }

  ModelCheck check_model(const ModelJob& job) override {
    auto start = std::chrono::steady_clock::now();
    CollectWarnings warnings;
    c10::Warning::WarningHandlerGuard quiet(&warnings);
    ModelCheck model;
    model.model = job.model;
    model.inputs = job.inputs;
    try {
      model_into(job, model);
    } catch (const std::exception& error) {
      model.status = Status::Error;
      model.reason = message_of(error);
    }
    model.seconds = seconds_since(start);
    return model;
  }

 private:
  std::unique_ptr<PythonWorker> start_worker(const std::string& device, std::string* error) {
    fs::path script = options_.scratch_dir / "tpu_migrate_check_worker.py";
    if (!fs::exists(script)) {
      std::ofstream out(script);
      out << options_.worker_script;
      if (!out) {
        *error = "cannot write " + script.string();
        return nullptr;
      }
    }
    WorkerLaunch launch;
    launch.python = options_.python;
    launch.script = script;
    launch.device = device;
    launch.precision = std::string(to_string(options_.precision));
    launch.stderr_file = options_.scratch_dir / ("worker-" + std::to_string(++workers_started_) + ".stderr");
    return PythonWorker::start(launch, error);
  }

  // Reference first: widen everything; if the kernel rejects float64 arguments (an op that
  // insists on a Half input, say), widen the tensors only; last, run as recorded and say so.
  std::vector<FlatValue> reference_outputs(const SampleCall& call, std::string& note) {
    std::string first_error;
    for (FloatPolicy floats : {FloatPolicy::Float64, FloatPolicy::Float64Tensors, FloatPolicy::Keep}) {
      ArgPolicy policy;
      policy.floats = floats;
      try {
        auto outputs = flatten_outputs(call_boxed(call, build_stack(call, policy)));
        if (floats == FloatPolicy::Keep) note = "reference in the recorded dtypes (float64 failed: " + first_error + ")";
        return outputs;
      } catch (const NotReplayable&) {
        throw;
      } catch (const std::exception& error) {
        if (first_error.empty()) first_error = message_of(error);
      }
    }
    throw std::runtime_error("the float64 reference failed on the CPU: " + first_error);
  }

  std::vector<FlatValue> candidate_outputs(const SampleCall& call, const SampleJob& job,
                                           const std::optional<std::vector<FlatValue>>& native,
                                           const std::string& native_error, std::vector<std::string>& notes) {
    // Test damage (--perturb, perturb-test) replaces or damages the executor's result.
    std::optional<DamageKind> damage =
        damage_for(options_.perturb, call, options_.executor == Executor::PerturbTest);
    if (damage == DamageKind::Float16) return flatten_outputs(run_in_float16(call));
    std::vector<FlatValue> outputs = executor_outputs(call, job, native, native_error, notes);
    if (damage != DamageKind::TenPercent) return outputs;
    std::vector<c10::IValue> returns;
    for (const FlatValue& value : outputs) returns.emplace_back(value.tensor);
    std::vector<c10::IValue> damaged = damage_ten_percent(std::move(returns));
    for (size_t i = 0; i < outputs.size(); ++i) outputs[i].tensor = damaged[i].toTensor();
    return outputs;
  }

  std::vector<FlatValue> executor_outputs(const SampleCall& call, const SampleJob& job,
                                          const std::optional<std::vector<FlatValue>>& native,
                                          const std::string& native_error, std::vector<std::string>& notes) {
    switch (options_.executor) {
      case Executor::Libtorch: {
        if (device_.is_cpu()) {
          if (!native) throw std::runtime_error("the op failed on the CPU: " + native_error);
          return *native;
        }
        ArgPolicy policy;
        policy.device = device_;
        std::vector<FlatValue> outputs = flatten_outputs(call_boxed(call, build_stack(call, policy)));
        for (FlatValue& value : outputs) value.tensor = value.tensor.cpu();
        return outputs;
      }
      case Executor::PerturbTest: {
        ArgPolicy policy;
        return flatten_outputs(call_boxed(call, build_stack(call, policy)));
      }
      case Executor::EmulateTpu: {
        EmulationResult emulated = run_emulated(call, options_.precision);
        notes = emulated.notes;
        return flatten_outputs(emulated.returns);
      }
      case Executor::PythonWorker:
        return worker_outputs(job);
    }
    return {};
  }

  std::vector<FlatValue> worker_outputs(const SampleJob& job) {
    std::string error;
    if (!worker_ || !worker_->alive()) {
      // A worker that died on an earlier sample is restarted a few times, not forever.
      if (restarts_ >= 3) throw WorkerUnavailable("the device worker died too often; giving up");
      ++restarts_;
      worker_ = start_worker(options_.device, &error);
      if (!worker_) throw WorkerUnavailable("cannot restart the device worker: " + error);
    }
    ReplayRequest request;
    request.id = ++request_id_;
    request.sample = job.sample_file.string();
    request.device = options_.device;
    request.precision = std::string(to_string(options_.precision));
    request.out = (options_.scratch_dir / ("out-" + std::to_string(request.id) + ".pt")).string();
    auto reply = worker_->call(encode(request), request.id, options_.worker_timeout_seconds, &error);
    if (!reply) throw std::runtime_error("the device worker failed: " + error);
    if (!reply->ok) {
      if (reply->kind == "skip") throw NotReplayable(reply->error);
      throw std::runtime_error("on " + options_.device + ": " + reply->error);
    }
    c10::IValue saved = load_pt_file(request.out);
    fs::remove(request.out);
    if (!saved.isGenericDict()) throw std::runtime_error("the worker wrote no output dict");
    auto dict = saved.toGenericDict();
    auto outputs = dict.find("outputs");
    if (outputs == dict.end() || !outputs->value().isList()) throw std::runtime_error("the worker wrote no outputs");
    std::vector<c10::IValue> returns;
    for (const c10::IValue& value : outputs->value().toListRef()) returns.push_back(value);
    return flatten_outputs(returns);
  }

  void replay_into(const SampleJob& job, SampleCheck& sample) {
    SampleCall call = decode_sample(load_pt_file(job.sample_file));
    sample.op = call.op;
    sample.overload = call.overload;
    sample.path = call.path;
    sample.line = static_cast<uint32_t>(call.line);

    auto start = std::chrono::steady_clock::now();
    std::string reference_note;
    std::vector<FlatValue> reference = reference_outputs(call, reference_note);
    sample.reference_seconds = seconds_since(start);

    std::optional<std::vector<FlatValue>> native;
    std::string native_error;
    auto native_start = std::chrono::steady_clock::now();
    try {
      native = flatten_outputs(call_boxed(call, build_stack(call, ArgPolicy{})));
    } catch (const NotReplayable&) {
      throw;
    } catch (const std::exception& error) {
      native_error = message_of(error);
    }
    const double native_seconds = seconds_since(native_start);

    std::vector<FlatValue> recorded = flatten_outputs(call.recorded_outputs);
    const bool use_recorded = !recorded.empty();
    const std::vector<FlatValue>* baseline = use_recorded ? &recorded : native ? &*native : nullptr;

    std::vector<std::string> notes;
    auto candidate_start = std::chrono::steady_clock::now();
    std::vector<FlatValue> candidate;
    try {
      candidate = candidate_outputs(call, job, native, native_error, notes);
    } catch (const NotReplayable&) {
      throw;
    } catch (const WorkerUnavailable&) {
      throw;
    } catch (const std::exception& error) {
      // On a real device an op that raises is a failure the program would hit there; in the
      // emulator or the test executor it is a limit of this tool (say, a float16 kernel the CPU
      // libtorch lacks), reported as an error.
      bool device = options_.executor == Executor::Libtorch || options_.executor == Executor::PythonWorker;
      std::string what = "the candidate raised: " + message_of(error);
      if (device) throw CandidateRaised(what);
      throw std::runtime_error(what);
    }
    sample.candidate_seconds = options_.executor == Executor::Libtorch && device_.is_cpu()
                                   ? native_seconds
                                   : seconds_since(candidate_start);

    for (const FlatValue& ref : reference) {
      const FlatValue* recorded_value = find_output(recorded, ref.name);
      const FlatValue* native_value = native ? find_output(*native, ref.name) : nullptr;
      const FlatValue* base = baseline ? find_output(*baseline, ref.name) : nullptr;
      CompareSpec spec;
      spec.expected = recorded_value ? recorded_value->tensor.scalar_type()
                      : native_value ? native_value->tensor.scalar_type()
                                     : ref.tensor.scalar_type();
      const std::string dtype = scalar_type_name(spec.expected);
      spec.tolerance = options_.tolerances.resolve(call.op, call.overload, dtype, target_warn_rtol(call));
      spec.level = options_.tolerances.level(call.op, call.overload);
      spec.baseline_label = use_recorded ? "the source device" : "the CPU in " + dtype;
      if (sample.baseline.empty() && base)
        sample.baseline = use_recorded ? "source (" + (job.source_device.empty() ? "recorded" : job.source_device) + ")"
                                       : "cpu " + dtype;
      sample.outputs.push_back(compare_output(ref, find_output(candidate, ref.name), base, spec));
    }
    summarize_sample(sample);
    for (const std::string& note : notes) sample.reason += "; " + note;
    if (!reference_note.empty()) sample.reason += "; " + reference_note;
  }

  // The warn band of what the target computes in: an MXU op on a TPU (emulated, or torch_xla)
  // at DEFAULT is one bfloat16 pass even when the program asked for float64.
  std::optional<double> target_warn_rtol(const SampleCall& call) const {
    const bool tpu = options_.executor == Executor::EmulateTpu ||
                     (options_.executor == Executor::PythonWorker && options_.device.starts_with("xla"));
    if (!tpu || !is_mxu_op(call.op)) return std::nullopt;
    return mxu_warn_rtol(options_.precision);
  }

  void model_into(const ModelJob& job, ModelCheck& model) {
    if (options_.executor == Executor::PerturbTest && options_.perturb.empty())
      throw std::runtime_error("perturb-test damages a model's modules only when --perturb names them");
    std::string error;
    PythonWorker* worker = worker_.get();
    std::unique_ptr<PythonWorker> own;
    if (!worker) {
      // Libtorch and emulation candidates run the model in a CPU worker (Python imports it).
      own = start_worker(options_.executor == Executor::Libtorch ? options_.device : "cpu", &error);
      if (!own) throw std::runtime_error(error);
      worker = own.get();
    }
    ModelRequest request;
    request.id = ++request_id_;
    request.model = job.model;
    request.inputs = job.inputs;
    const bool on_cpu = options_.executor == Executor::EmulateTpu || options_.executor == Executor::PerturbTest;
    request.device = on_cpu ? "cpu" : options_.device;
    request.emulate = options_.executor == Executor::EmulateTpu ? "tpu" : "";
    request.precision = std::string(to_string(options_.precision));
    request.seed = job.seed;
    request.cwd = job.cwd.string();
    request.perturb = options_.perturb;
    request.out = (options_.scratch_dir / ("model-" + std::to_string(request.id) + ".pt")).string();
    auto reply = worker->call(encode(request), request.id, options_.worker_timeout_seconds, &error);
    if (!reply) throw std::runtime_error("the model worker failed: " + error);
    if (!reply->ok) throw std::runtime_error(reply->error);
    compare_model_run(request.out, options_.tolerances, model);
    model.runner = worker->hello().device + " via " + options_.python + " (" + worker->hello().description + ")" +
                   (request.emulate.empty() ? "" : ", TPU arithmetic emulated");
    fs::remove(request.out);
  }

  EngineOptions options_;
  c10::Device device_{c10::kCPU};
  std::unique_ptr<PythonWorker> worker_;
  uint64_t request_id_ = 0;
  int workers_started_ = 0;
  int restarts_ = 0;
};

}  // namespace
}  // namespace tpu::checker

extern "C" __attribute__((visibility("default"))) tpu::checker::Engine* tpu_checker_create_engine(
    const tpu::checker::EngineOptions& options, std::string* error) {
  try {
    auto engine = std::make_unique<tpu::checker::TorchEngine>(options);
    if (!engine->init(error)) return nullptr;
    return engine.release();
  } catch (const std::exception& e) {
    *error = tpu::checker::message_of(e);
    return nullptr;
  }
}

extern "C" __attribute__((visibility("default"))) uint64_t tpu_checker_engine_abi() {
  return tpu::checker::engine_abi_fingerprint();
}
