// SPDX-License-Identifier: Apache-2.0
// cuda-api: calls into `torch.cuda` (synchronisation, seeding, availability checks, device
// selection, memory statistics, streams and events) and CUDA environment variables.
#include "analyzer/python/rules/rule_families.h"
#include "analyzer/python/rules/rule_helpers.h"
#include "opdb/targets.h"
#include "analyzer/python/tpu_advice.h"

#include <algorithm>

namespace tpu::python {
namespace {

constexpr RuleMeta kRules[] = {
    {.code = "TPU110", .name = "torch-cuda-call", .category = Category::CudaApi,
     .severity = Severity::Warning, .language = Language::Python, .fix_sites = "torch.cuda",
     .fix_title = "Replace the `torch.cuda` call with its TPU counterpart",
     .summary = "a `torch.cuda.*` call (synchronize, seeding, availability, memory, streams…)",
     .rationale = "`torch.cuda` talks to the CUDA runtime. On a TPU host `is_available()` is "
                  "False (code behind it silently takes the CPU path), `set_device` and memory "
                  "queries raise, and streams and events have no TPU equivalent.",
     .tpu_way = "TorchTPU: `torch.accelerator.*` for availability, counts and synchronize "
                "(`torch.tpu`'s own are internal), `torch.tpu.manual_seed` for seeding; no "
                "public memory statistics. PyTorch/XLA: `xm.wait_device_ops()` for synchronize, "
                "`torch_xla.manual_seed` for seeding, `xr.world_size()`/`torch_xla.device_count()` "
                "for counts, `xm.get_memory_info(device)` for memory. Either way drop `set_device` "
                "(each process owns its device).",
     .before = "torch.cuda.manual_seed_all(0)\ntorch.cuda.synchronize()",
     .after = "torch.tpu.manual_seed_all(0)\ntorch.accelerator.synchronize()"},
    {.code = "TPU111", .name = "cuda-env-var", .category = Category::CudaApi,
     .severity = Severity::Warning, .language = Language::Python, .fix_sites = "",
     .fix_title = "",
     .summary = "a CUDA environment variable (CUDA_VISIBLE_DEVICES, CUDA_LAUNCH_BLOCKING…)",
     .rationale = "The CUDA runtime reads these; a TPU runtime ignores them, so the behaviour "
                  "they select (device masking, synchronous launches, allocator settings) "
                  "silently disappears.",
     .tpu_way = "CUDA_LAUNCH_BLOCKING → TPU_LAUNCH_BLOCKING=1 on TorchTPU (PyTorch/XLA: "
                "PT_XLA_DEBUG_LEVEL / XLA_USE_EAGER_DEBUG_MODE); device masking → "
                "TPU_VISIBLE_CHIPS (PyTorch/XLA also PJRT_DEVICE=TPU).",
     .before = "os.environ[\"CUDA_VISIBLE_DEVICES\"] = \"0\"",
     .after = "os.environ.setdefault(\"PJRT_DEVICE\", \"TPU\")"},
};

const RuleMeta& kTorchCudaCall = kRules[0];
const RuleMeta& kCudaEnvVar = kRules[1];

// Sub-namespaces of torch.cuda that other families own.
bool owned_elsewhere(std::string_view qualified) {
  return has_prefix(qualified, "torch.cuda.amp") || is_cuda_graph_api(qualified);
}

// Calls with no TPU counterpart at all: reported without a fix.
bool has_no_counterpart(std::string_view qualified) {
  for (std::string_view name : {"torch.cuda.Stream", "torch.cuda.Event", "torch.cuda.stream",
                                "torch.cuda.current_stream", "torch.cuda.default_stream",
                                "torch.cuda.set_stream", "torch.cuda.ipc_collect",
                                "torch.cuda.get_device_capability", "torch.cuda.get_device_properties",
                                "torch.cuda.utilization", "torch.cuda.comm"})
    if (has_prefix(qualified, name)) return true;
  return false;
}

// Memory statistics, the device name and the availability check: their fixes keep the
// call's arguments whole (`device=` or positional, or none) or spell a string literal, so
// their sites carry the argument text and a quote instead of the positional arguments.
bool keeps_its_arguments(std::string_view qualified) {
  for (std::string_view name : {"torch.cuda.memory_allocated", "torch.cuda.max_memory_allocated",
                                "torch.cuda.memory_reserved", "torch.cuda.mem_get_info",
                                "torch.cuda.reset_peak_memory_stats", "torch.cuda.get_device_name",
                                "torch.cuda.is_available", "torch.cuda.is_bf16_supported"})
    if (qualified == name) return true;
  return false;
}

// Legacy typed constructors (torch.cuda.FloatTensor): device-placement's.
bool is_tensor_type(std::string_view qualified) {
  return qualified.ends_with("Tensor") && qualified.find('.', 11) == std::string_view::npos;
}

// Where the CUDA toolkit is: the build's (custom-extension), not the runtime's.
bool is_toolkit_path(std::string_view name) { return name == "CUDA_HOME" || name == "CUDA_PATH"; }

bool is_cuda_env_var(std::string_view name) {
  if (is_toolkit_path(name)) return false;
  return name.starts_with("CUDA_") || name.starts_with("PYTORCH_CUDA_") ||
         name.starts_with("CUBLAS_") || name.starts_with("CUDNN_") || name == "NVIDIA_VISIBLE_DEVICES";
}

// What names CUDA's runtime outside a call: `torch.cuda.*` read as a value (`if
// torch.cuda.is_available:`, `torch.cuda.amp` aside), `torch.version.cuda`,
// `ProfilerActivity.CUDA`, and `nvidia-smi` run as a command.
void sweep_mentions(RuleContext& context) {
  const ModuleView& view = context.view;
  for (const Mention& mention : context.mentions.names()) {
    if (mention.callee) continue;
    std::string qualified = view.qualify(mention.node);
    bool runtime = has_prefix(qualified, "torch.cuda") && qualified != "torch.cuda" &&
                   !owned_elsewhere(qualified) && !is_tensor_type(qualified);
    if (runtime || qualified == "torch.version.cuda" ||
        qualified.ends_with("ProfilerActivity.CUDA"))
      context.report(kTorchCudaCall, mention.node, qualified,
                     "`" + qualified + "` reads the CUDA runtime's state; on a TPU ask " +
                         target_way(context.target, "torch_xla (torch_xla.device_count(), xm.get_memory_info)",
                                    "torch.accelerator (torch.accelerator.device_count(); TorchTPU has no public memory statistics)") +
                         " or drop it")
          .fix.reset();
  }
  for (const Mention& mention : context.mentions.strings()) {
    auto value = string_value(mention.node, view.source());
    if (value && value->starts_with("nvidia-smi") && !is_prose_string(view, mention.node))
      context.report(kTorchCudaCall, mention.node, "nvidia-smi",
                     "runs nvidia-smi, NVIDIA's driver tool, which a TPU host does not have; "
                     "query the TPU runtime instead" +
                         std::string(context.target == opdb::kXlaTarget ? " (xm.get_memory_info)" : ""))
          .fix.reset();
  }
}

bool makes_stream_or_event(std::string_view qualified) {
  for (std::string_view name : {"torch.cuda.Stream", "torch.cuda.Event", "torch.cuda.current_stream",
                                "torch.cuda.default_stream", "torch.cuda.ExternalStream",
                                "torch.cuda.streams.Stream", "torch.cuda.streams.Event"})
    if (qualified == name) return true;
  return false;
}

// A parameter annotated as a CUDA stream or event (`event: torch.cuda.Event`): the names, each
// with the byte range of its function.
struct TypedParameter {
  std::string_view name;
  uint32_t begin = 0, end = 0;
};

std::vector<TypedParameter> stream_or_event_parameters(const ModuleView& view) {
  std::vector<TypedParameter> typed;
  if (view.source().find("torch.cuda.") == std::string_view::npos &&
      view.source().find("Stream") == std::string_view::npos &&
      view.source().find("Event") == std::string_view::npos)
    return typed;
  for (const FunctionInfo& function : view.functions())
    for_each_named_child(field(function.node, "parameters"), [&](TSNode parameter) {
      if (!is(parameter, "typed_parameter") && !is(parameter, "typed_default_parameter")) return;
      TSNode name = is(parameter, "typed_default_parameter") ? field(parameter, "name")
                                                             : ts_node_named_child(parameter, 0);
      TSNode type = field(parameter, "type");
      if (is(type, "type") && ts_node_named_child_count(type) == 1) type = ts_node_named_child(type, 0);
      if (is(name, "identifier") && makes_stream_or_event(view.qualify(type)))
        typed.push_back({view.text(name), ts_node_start_byte(function.node), ts_node_end_byte(function.node)});
    });
  return typed;
}

// A CUDA stream or event created here carries its category: every method called on it
// (`start.record()`, `stream.synchronize()`, `s.wait_stream(…)`) is CUDA runtime work. So is
// one a parameter's annotation declares, inside its function, and `x.__cuda_stream__()`, the
// CUDA stream protocol, on any object.
void report_object_uses(RuleContext& context) {
  const ModuleView& view = context.view;
  std::vector<std::string_view> objects;
  for (const Assignment& assignment : view.assignments()) {
    TSNode right = unparenthesize(assignment.right);
    if (is(right, "call") && makes_stream_or_event(view.qualify(field(right, "function"))))
      objects.push_back(view.text(assignment.left));
  }
  std::vector<TypedParameter> parameters = stream_or_event_parameters(view);
  const bool protocol = view.source().find("__cuda_stream__") != std::string_view::npos;
  if (objects.empty() && parameters.empty() && !protocol) return;
  for (const Call& call : view.calls()) {
    if (!call.is_method_call()) continue;
    std::string_view receiver = view.text(call.receiver);
    uint32_t at = ts_node_start_byte(call.node);
    bool known = std::find(objects.begin(), objects.end(), receiver) != objects.end() ||
                 (protocol && call.method == "__cuda_stream__") ||
                 std::any_of(parameters.begin(), parameters.end(), [&](const TypedParameter& p) {
                   return p.name == receiver && at >= p.begin && at < p.end;
                 });
    if (!known) continue;
    context.report_method(kTorchCudaCall, call, std::string(receiver) + "." + call.method,
                          "`" + std::string(receiver) + "` is a CUDA stream or event: `." +
                              call.method + "()` has no TPU counterpart (the TPU runtime orders "
                              "the work); remove it")
        .fix.reset();
  }
}

}  // namespace

const std::span<const RuleMeta> kCudaApiRules = kRules;

void check_cuda_api(RuleContext& context) {
  const ModuleView& view = context.view;
  for (const Call& call : view.calls()) {
    if (!has_prefix(call.qualified, "torch.cuda") || call.qualified == "torch.cuda") continue;
    if (owned_elsewhere(call.qualified) || is_tensor_type(call.qualified)) continue;
    std::string advice = tpu_advice(call.qualified, context.target);
    bool no_counterpart = has_no_counterpart(call.qualified);
    if (advice.empty())
      advice = no_counterpart ? " There is no TPU equivalent (the TPU runtime orders the work); remove it."
                              : " TorchTPU: torch.accelerator's call of that name, or torch.tpu's where it "
                                "is public.";
    Finding& finding = context.report(kTorchCudaCall, call.node, call.qualified,
                                      "`" + call.qualified + "()` needs a CUDA device." + advice);
    if (no_counterpart) {
      finding.fix.reset();
      continue;
    }
    // The statement matters to fixes that remove the call (set_device, empty_cache).
    std::vector<std::string> args = positional_texts(view, call);
    TSNode statement = enclosing_statement(call.node);
    bool whole_statement = !is_null(statement) && ts_node_start_byte(statement) == ts_node_start_byte(call.node) &&
                           ts_node_end_byte(statement) == ts_node_end_byte(call.node);
    std::string marker = whole_statement ? (sole_marker(statement).empty() ? "statement" : "sole") : "";
    if (keeps_its_arguments(call.qualified))
      args = {marker, argument_list_text(view, call), free_quote(view, call.node)};
    else
      args.insert(args.begin(), marker);
    context.with_site(finding, call.qualified, call.node, std::move(args));
  }
  sweep_mentions(context);
  report_object_uses(context);
  for_each_env_access(view, [&](TSNode node, std::string_view name, const Context&) {
    if (!is_cuda_env_var(name)) return;
    std::string advice = tpu_advice(name, context.target);
    context.report(kCudaEnvVar, node, std::string(name),
                   std::string(name) + " configures the CUDA runtime; a TPU ignores it." +
                       (advice.empty() ? std::string(" ") + std::string(kCudaEnvVar.tpu_way) : advice));
  });
}

}  // namespace tpu::python
