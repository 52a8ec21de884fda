// SPDX-License-Identifier: Apache-2.0
// cuda-api: calls into `torch.cuda` (synchronisation, seeding, availability checks, device
// selection, memory statistics, streams and events) and CUDA environment variables.
#include "analyzer/python/rules/rule_families.h"
#include "analyzer/python/rules/rule_helpers.h"
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
                  "queries raise, and streams and events have no equivalent in XLA's lazy graph.",
     .tpu_way = "PyTorch/XLA: `xm.wait_device_ops()` for synchronize, `torch_xla.manual_seed` "
                "for seeding, `xr.world_size()`/`torch_xla.device_count()` for counts, "
                "`xm.get_memory_info(device)` for memory; drop `set_device` (each process owns "
                "its device). TorchTPU mirrors `torch.cuda` as `torch.tpu`; "
                "`torch.accelerator.*` is the device-agnostic spelling.",
     .before = "torch.cuda.manual_seed_all(0)\ntorch.cuda.synchronize()",
     .after = "torch_xla.manual_seed(0)\nxm.wait_device_ops()"},
    {.code = "TPU111", .name = "cuda-env-var", .category = Category::CudaApi,
     .severity = Severity::Warning, .language = Language::Python, .fix_sites = "",
     .fix_title = "",
     .summary = "a CUDA environment variable (CUDA_VISIBLE_DEVICES, CUDA_LAUNCH_BLOCKING…)",
     .rationale = "The CUDA runtime reads these; a TPU runtime ignores them, so the behaviour "
                  "they select (device masking, synchronous launches, allocator settings) "
                  "silently disappears.",
     .tpu_way = "CUDA_LAUNCH_BLOCKING → PT_XLA_DEBUG_LEVEL / XLA_USE_EAGER_DEBUG_MODE "
                "(TorchTPU: TPU_LAUNCH_BLOCKING=1); device masking → TPU_VISIBLE_CHIPS / "
                "PJRT_DEVICE=TPU.",
     .before = "os.environ[\"CUDA_VISIBLE_DEVICES\"] = \"0\"",
     .after = "os.environ.setdefault(\"PJRT_DEVICE\", \"TPU\")"},
};

const RuleMeta& kTorchCudaCall = kRules[0];
const RuleMeta& kCudaEnvVar = kRules[1];

// Sub-namespaces of torch.cuda that other families own.
bool owned_elsewhere(std::string_view qualified) {
  for (std::string_view prefix : {"torch.cuda.amp", "torch.cuda.graph",
                                  "torch.cuda.graphs", "torch.cuda.CUDAGraph",
                                  "torch.cuda.make_graphed_callables"})
    if (has_prefix(qualified, prefix)) return true;
  return false;
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
                                "torch.cuda.is_available"})
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
                                    "torch.tpu (torch.tpu.device_count(); it has no memory statistics)") +
                         " or drop it")
          .fix.reset();
  }
  for (const Mention& mention : context.mentions.strings()) {
    auto value = string_value(mention.node, view.source());
    if (value && value->starts_with("nvidia-smi") && !is_prose_string(view, mention.node))
      context.report(kTorchCudaCall, mention.node, "nvidia-smi",
                     "runs nvidia-smi, NVIDIA's driver tool, which a TPU host does not have; "
                     "query the TPU runtime instead (xm.get_memory_info)")
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

// A CUDA stream or event created here carries its category: every method called on it
// (`start.record()`, `stream.synchronize()`, `s.wait_stream(…)`) is CUDA runtime work.
void report_object_uses(RuleContext& context) {
  const ModuleView& view = context.view;
  std::vector<std::string_view> objects;
  for (const Assignment& assignment : view.assignments()) {
    TSNode right = unparenthesize(assignment.right);
    if (is(right, "call") && makes_stream_or_event(view.qualify(field(right, "function"))))
      objects.push_back(view.text(assignment.left));
  }
  if (objects.empty()) return;
  for (const Call& call : view.calls()) {
    if (!call.is_method_call()) continue;
    std::string_view receiver = view.text(call.receiver);
    if (std::find(objects.begin(), objects.end(), receiver) == objects.end()) continue;
    context.report_method(kTorchCudaCall, call, std::string(receiver) + "." + call.method,
                          "`" + std::string(receiver) + "` is a CUDA stream or event: `." +
                              call.method + "()` has no TPU counterpart (XLA orders work in its "
                              "graph); remove it")
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
      advice = no_counterpart ? " There is no TPU equivalent (XLA builds a lazy graph); remove it."
                              : " TorchTPU: the same call under torch.tpu; device-agnostic: "
                                "torch.accelerator.";
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
