// SPDX-License-Identifier: Apache-2.0
// RecordFunction takes plain function pointers, so one observer at a time is reached through
// a global; depth and thread checks keep nested and intra-op-thread calls out of the trace.
#include "trace/torchscript/op_observer.h"

#include <fstream>
#include <thread>

#include <ATen/record_function.h>
#include <torch/csrc/jit/runtime/interpreter.h>
#include <torch/serialize.h>
#include <torch/torch.h>
#include <torch/version.h>
#include <unistd.h>

#include "trace/torchscript/input_spec.h"
#include "trace/torchscript/sample_codec.h"

namespace fs = std::filesystem;

namespace tpu::torchscript {

struct OpObserver::Call : at::ObserverContext {
  const at::RecordFunction* function = nullptr;
  bool recorded = false;
  std::string op, overload, path;
  int64_t line = 0;
  std::vector<std::string> dtypes;
  std::vector<std::vector<int64_t>> shapes;
  std::string device;
  bool sampling = false;
  c10::optional<c10::FunctionSchema> schema;
  c10::impl::GenericList args{c10::AnyType::get()};
  std::unique_ptr<SampleEncoder> encoder;
};

namespace {

OpObserver* g_observer = nullptr;
std::thread::id g_main_thread;
thread_local int t_depth = 0;

void describe_values(c10::ArrayRef<const c10::IValue> values, std::vector<std::string>& dtypes,
                     std::vector<std::vector<int64_t>>& shapes, std::string& device) {
  auto add = [&](const at::Tensor& t) {
    if (!t.defined()) return;
    dtypes.push_back(dtype_name(t.scalar_type()));
    shapes.push_back(t.sizes().vec());
    if (device.empty()) device = t.device().str();
  };
  for (const c10::IValue& value : values) {
    if (value.isTensor()) add(value.toTensor());
    else if (value.isTensorList())
      for (const at::Tensor& t : value.toTensorVector()) add(t);
    else if (value.isList())
      for (const c10::IValue& item : value.toListRef())
        if (item.isTensor()) add(item.toTensor());
  }
}

std::unique_ptr<at::ObserverContext> on_start(const at::RecordFunction& function) {
  auto call = std::make_unique<OpObserver::Call>();
  call->function = &function;
  if (++t_depth == 1 && g_observer != nullptr && std::this_thread::get_id() == g_main_thread)
    g_observer->begin(*call);
  return call;
}

void on_end(const at::RecordFunction& function, at::ObserverContext* context) {
  // The depth drops only after end(): the ops end() runs itself (copies of sampled outputs)
  // must stay nested, or they would be recorded, and record themselves, without end.
  auto* call = static_cast<OpObserver::Call*>(context);
  if (call != nullptr && call->recorded && g_observer != nullptr) {
    call->function = &function;
    g_observer->end(*call);
  }
  --t_depth;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += item + ",";
  return out;
}

}  // namespace

OpObserver::OpObserver(ObserverOptions options) : options_(std::move(options)) {}

OpObserver::~OpObserver() { stop(); }

void OpObserver::start() {
  g_observer = this;
  g_main_thread = std::this_thread::get_id();
  handle_ = at::addGlobalCallback(at::RecordFunctionCallback(on_start, on_end)
                                      .needsInputs(true)
                                      .needsOutputs(true)
                                      .scopes({at::RecordScope::FUNCTION}));
}

void OpObserver::stop() {
  if (handle_ != 0) at::removeCallback(handle_);
  handle_ = 0;
  if (g_observer == this) g_observer = nullptr;
}

void OpObserver::begin(Call& call) {
  if (limit_reached_) return;
  const at::RecordFunction& function = *call.function;
  c10::optional<c10::OperatorName> name = function.operator_name();
  if (!name) return;  // a user scope, not an op
  call.recorded = true;
  call.op = name->name;
  call.overload = name->overload_name.empty() ? "default" : name->overload_name;
  // The interpreter's own call stack points into the scripted Python source (kept in the
  // archive's debug info): the innermost frame with a position is the line that made the op.
  std::vector<torch::jit::StackEntry> stack = torch::jit::currentCallstack();
  for (auto it = stack.rbegin(); it != stack.rend(); ++it) {
    // A loaded archive runs its serialized code (code/__torch__.py); the range that generated
    // it, from the archive's debug info, is the user's own source line.
    c10::optional<torch::jit::SourceRange> original = it->range.findSourceRangeThatGenerated();
    const torch::jit::SourceRange& range = original ? *original : it->range;
    if (auto position = range.file_line_col()) {
      const std::string& file = std::get<0>(*position);
      bool installed = file.find("/site-packages/") != std::string::npos ||
                       file.find("/dist-packages/") != std::string::npos;
      if (call.path.empty() || !installed) {  // like the Python hook: prefer the user's frames
        call.path = file;
        call.line = static_cast<int64_t>(std::get<1>(*position));
      }
      if (!installed) break;
    }
  }
  c10::ArrayRef<const c10::IValue> inputs = function.inputs();
  describe_values(inputs, call.dtypes, call.shapes, call.device);
  std::string key = call.op + "." + call.overload + "|" + join(call.dtypes);
  if (options_.samples_per_op > 0 && sampled_[key] < options_.samples_per_op &&
      sample_bytes_ < options_.max_sample_bytes) {
    call.schema = function.operator_schema();
    if (call.schema) {
      call.sampling = true;
      call.encoder = std::make_unique<SampleEncoder>(options_.max_tensor_bytes);
      const auto& arguments = call.schema->arguments();
      for (size_t i = 0; i < inputs.size(); ++i) {
        std::string arg_name = i < arguments.size() ? arguments[i].name() : "arg" + std::to_string(i);
        c10::TypePtr type = i < arguments.size() ? arguments[i].real_type() : nullptr;
        c10::impl::GenericDict entry(c10::StringType::get(), c10::AnyType::get());
        entry.insert("name", arg_name);
        entry.insert("value", call.encoder->encode(inputs[i], type, arg_name));
        call.args.push_back(entry);
      }
    }
  }
}

void OpObserver::end(Call& call) {
  const std::vector<c10::IValue>& outputs = call.function->outputs();
  std::vector<std::string> out_dtypes;
  std::vector<std::vector<int64_t>> out_shapes;
  std::string out_device;
  describe_values(c10::ArrayRef<const c10::IValue>(outputs.data(), outputs.size()), out_dtypes, out_shapes, out_device);
  std::string device = call.device.empty() ? out_device : call.device;
  std::string signature = join(call.dtypes) + "|" + nlohmann::json(call.shapes).dump() + "|" + join(out_dtypes) + "|" + device;
  Site& site = sites_[{call.op, call.overload, call.path, call.line}];
  auto [it, inserted] = site.calls.try_emplace(signature);
  if (inserted) {
    it->second = {{"dtypes", call.dtypes}, {"shapes", call.shapes}, {"out_dtypes", out_dtypes},
                  {"device", device}, {"count", 0}};
    if (!out_device.empty() && out_device != device) it->second["out_device"] = out_device;
  }
  it->second["count"] = it->second["count"].get<uint64_t>() + 1;
  ++total_;
  if (call.sampling) {
    c10::impl::GenericList encoded_outputs(c10::AnyType::get());
    for (const c10::IValue& output : outputs) encoded_outputs.push_back(call.encoder->encode(output, nullptr, "out"));
    uint64_t bytes = call.encoder->bytes;
    if (sample_bytes_ + bytes <= options_.max_sample_bytes) {
      std::string file = "p" + std::to_string(getpid()) + "-" + std::to_string(sequence_++) + ".pt";
      try {
        std::vector<char> data = torch::pickle_save(sample_record(*call.schema, call.args, encoded_outputs,
                                                                  call.encoder->omitted, call.path, call.line));
        fs::create_directories(options_.out_dir / "samples");
        std::ofstream(options_.out_dir / "samples" / file, std::ios::binary).write(data.data(), data.size());
        sample_bytes_ += bytes;
        ++sampled_[call.op + "." + call.overload + "|" + join(call.dtypes)];
        samples_.push_back({{"file", "samples/" + file}, {"op", call.op}, {"overload", call.overload},
                            {"dtypes", call.dtypes}, {"path", call.path}, {"line", call.line},
                            {"bytes", bytes}, {"omitted", call.encoder->omitted}});
      } catch (const std::exception& error) {
        if (errors_.size() < 20) errors_.push_back("sampling " + call.op + ": " + error.what());
      }
    }
  }
  if (options_.limit_ops != 0 && total_ >= options_.limit_ops) limit_reached_ = true;
}

std::optional<std::string> OpObserver::write_part() const {
  nlohmann::json sites = nlohmann::json::array();
  for (const auto& [key, site] : sites_) {
    nlohmann::json calls = nlohmann::json::array();
    for (const auto& [signature, row] : site.calls) calls.push_back(row);
    sites.push_back({{"op", std::get<0>(key)}, {"overload", std::get<1>(key)}, {"path", std::get<2>(key)},
                     {"line", std::get<3>(key)}, {"steps", 0}, {"shape_overflow", false}, {"calls", calls}});
  }
  nlohmann::json part = {
      {"schema", "tpu-migrate/trace-part@1"}, {"pid", getpid()}, {"ppid", getppid()}, {"role", "main"},
      {"rank", nullptr}, {"torch", TORCH_VERSION}, {"backend", "torchscript"}, {"complete", true},
      {"ops_total", total_}, {"steps", 0}, {"limit_reached", limit_reached_}, {"sites", sites},
      {"events", nlohmann::json::array()}, {"samples", samples_}, {"errors", errors_}};
  fs::path folder = options_.out_dir / "parts";
  std::error_code ec;
  fs::create_directories(folder, ec);
  fs::path path = folder / ("p" + std::to_string(getpid()) + ".json");
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << part.dump();
  if (!out.flush()) return path.string() + ": cannot write";
  return std::nullopt;
}

}  // namespace tpu::torchscript
