// SPDX-License-Identifier: Apache-2.0
// device-placement: code that pins tensors and modules to a CUDA device — `.cuda()`,
// "cuda"/"cuda:N" device strings, and variables that carry such a string to `.to(…)`,
// `torch.device(…)` or a `device=` argument.
#include <algorithm>
#include <cctype>

#include "analyzer/python/rules/rule_families.h"
#include "analyzer/python/rules/rule_helpers.h"

namespace tpu::python {
namespace {

constexpr RuleMeta kRules[] = {
    {.code = "TPU101", .name = "tensor-cuda-call", .category = Category::DevicePlacement,
     .severity = Severity::Warning, .language = Language::Python, .fix_sites = "Tensor.cuda",
     .fix_title = "Replace `.cuda()` with `.to(device)`",
     .summary = "`.cuda()` moves a tensor or module to a CUDA device",
     .rationale = "A TPU host has no CUDA device: `.cuda()` raises there. Code that names one "
                  "device type cannot move between accelerators.",
     .tpu_way = "Move data with `.to(device)`, where `device = torch.device(\"tpu\")` on "
                "TorchTPU or `torch_xla.device()` on PyTorch/XLA (`xm.xla_device()` is "
                "deprecated).",
     .before = "model = Net().cuda()\nx = batch.cuda(non_blocking=True)",
     .after = "device = torch.device(\"tpu\")\nmodel = Net().to(device)\nx = batch.to(device)"},
    {.code = "TPU102", .name = "cuda-device-string", .category = Category::DevicePlacement,
     .severity = Severity::Warning, .language = Language::Python, .fix_sites = "device.call device.literal device.string",
     .fix_title = "Replace the CUDA device with the TPU device",
     .summary = "a \"cuda\" / \"cuda:N\" device string selects a CUDA device",
     .rationale = "Device strings such as \"cuda:0\" fail on a TPU host (no CUDA device) or, "
                  "behind an availability check, silently fall back to the CPU.",
     .tpu_way = "Use `torch.device(\"tpu\")` (TorchTPU) or `torch_xla.device()` (PyTorch/XLA; "
                "the device type is \"xla\"). Rank-indexed devices are not needed: each process "
                "owns its device (TorchTPU: every process sees `tpu:0`; PyTorch/XLA: one per "
                "process started by `torch_xla.launch`).",
     .before = "x = torch.zeros(8, device=\"cuda\")\ndev = torch.device(f\"cuda:{rank}\")",
     .after = "x = torch.zeros(8, device=\"tpu\")\ndev = torch.device(\"tpu\")"},
    {.code = "TPU104", .name = "cuda-device-check", .category = Category::DevicePlacement,
     .severity = Severity::Warning, .language = Language::Python, .fix_sites = "",
     .fix_title = "",
     .summary = "a check that asks whether data is on a CUDA device (`x.is_cuda`, "
                "`device.type == \"cuda\"`, `isinstance(x, torch.cuda.FloatTensor)`)",
     .rationale = "On a TPU the answer is always no: the branch written for the GPU is skipped "
                  "silently, and the other one (often the CPU path) runs instead.",
     .tpu_way = "Ask for the device you run on: `x.device.type == \"xla\"` (TorchTPU: "
                "\"tpu\"), or drop the check when the code runs only on the accelerator.",
     .before = "if x.is_cuda:\n    y = fused(x)\nelse:\n    y = reference(x)",
     .after = "if x.device.type == \"xla\":\n    y = reference(x)"},
};

const RuleMeta& kTensorCudaCall = kRules[0];
const RuleMeta& kCudaDeviceString = kRules[1];
const RuleMeta& kCudaDeviceCheck = kRules[2];

bool names_a_device(std::string_view name) {
  // Case-insensitive, without a lowered copy: this runs on every assigned name.
  auto lower_equal = [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == b;
  };
  if (name.size() == 3 && std::equal(name.begin(), name.end(), "dev", lower_equal)) return true;
  constexpr std::string_view kDevice = "device";
  return std::search(name.begin(), name.end(), kDevice.begin(), kDevice.end(), lower_equal) !=
         name.end();
}

// The device index a CUDA literal names: "3" for "cuda:3", `rank` for f"cuda:{rank}";
// empty for a bare "cuda".
std::string device_index(TSNode literal, std::string_view source) {
  literal = unparenthesize(literal);
  if (auto value = string_value(literal, source))
    return value->size() > 5 ? value->substr(5) : std::string();
  // f"cuda:{expr}": the one interpolation's expression.
  uint32_t count = ts_node_named_child_count(literal);
  for (uint32_t i = 0; i < count; ++i) {
    TSNode child = ts_node_named_child(literal, i);
    if (is(child, "interpolation")) return std::string(text(ts_node_named_child(child, 0), source));
  }
  return {};
}

// Sets the fix site of a CUDA literal in a device position: "device.literal" for "cuda",
// "device.literal.indexed" (with the index) for "cuda:N" and f"cuda:{i}".
void literal_site(RuleContext& context, Finding& finding, TSNode literal) {
  std::string index = device_index(literal, context.view.source());
  if (index.empty()) context.with_site(finding, "device.literal", literal);
  else context.with_site(finding, "device.literal.indexed", literal, {index});
}

void check_literal_or_variable(RuleContext& context, TSNode argument, const Context& /*where*/,
                               std::string_view position) {
  argument = unparenthesize(argument);
  if (is_null(argument)) return;
  if (context.devices.is_cuda_literal(argument)) {
    Finding& finding = context.report(
        kCudaDeviceString, argument, std::string(context.view.text(argument)),
        "CUDA device string " + std::string(context.view.text(argument)) + " in " +
            std::string(position) + "; use " + target_way(context.target, "torch_xla.device()", "torch.device(\"tpu\")"));
    literal_site(context, finding, argument);
    return;
  }
  // A variable that carries a CUDA device is not reported where it is used: the place that
  // chose CUDA (a literal, a default, a config entry) is, by the sweep over string literals.
}

// Reports the CUDA literal of `name = <value>`: a plain literal when the name says it is a
// device, and either branch of `"cuda" if … else "cpu"` whatever the name.
void report_device_choice(RuleContext& context, std::string_view name, TSNode value,
                          bool device_name) {
  std::vector<TSNode> candidates;
  if (is(value, "conditional_expression"))
    candidates = {ts_node_named_child(value, 0), ts_node_named_child(value, 2)};
  else if (device_name)
    candidates = {value};
  for (TSNode candidate : candidates) {
    candidate = unparenthesize(candidate);
    if (!context.devices.is_cuda_literal(candidate)) continue;
    std::string spelled(context.view.text(candidate));
    Finding& finding = context.report(
        kCudaDeviceString, candidate, spelled,
        "`" + std::string(name) + "` is set to the CUDA device " + spelled +
            "; use " + target_way(context.target, "torch_xla.device()", "torch.device(\"tpu\")"));
    // A choice between CUDA and the CPU is replaced whole: on a TPU host its CPU branch
    // would win.
    context.with_site(finding, "device.string", value);
  }
}

// Legacy typed constructors that allocate on the CUDA device: torch.cuda.FloatTensor, …
bool is_cuda_tensor_type(std::string_view qualified) {
  return has_prefix(qualified, "torch.cuda") && qualified.ends_with("Tensor") &&
         qualified.find('.', 11) == std::string_view::npos;
}

// A string argument that an AMP call owns (`torch.autocast("cuda")`, `GradScaler("cuda")`):
// the amp family reports that line.
bool is_amp_argument(const ModuleView& view, TSNode string) {
  TSNode parent = ts_node_parent(string);
  if (is(parent, "keyword_argument")) parent = ts_node_parent(parent);
  if (!is(parent, "argument_list")) return false;
  std::string callee = view.qualify(field(ts_node_parent(parent), "function"));
  // `functools.partial(torch.autocast, device_type="cuda")`: the partial's callable.
  if (callee == "functools.partial" && ts_node_named_child_count(parent) > 0)
    callee = view.qualify(ts_node_named_child(parent, 0));
  return callee.find("autocast") != std::string::npos ||
         callee.find("GradScaler") != std::string::npos ||
         callee.find("custom_fwd") != std::string::npos ||
         callee.find("custom_bwd") != std::string::npos;
}

// "cuda" as a key names an entry, not a device: `meta["cuda"]`, `{"cuda": …}`,
// `hasattr(torch, "cuda")`, `versions.get("cuda")` — but `getattr(args, "device", "cuda")`'s
// default (and setattr's value) is a device.
bool is_key_position(const ModuleView& view, TSNode string) {
  TSNode parent = ts_node_parent(string);
  if (is(parent, "subscript")) return ts_node_eq(field(parent, "subscript"), string);
  if (is(parent, "pair")) return ts_node_eq(field(parent, "key"), string);
  if (!is(parent, "argument_list")) return false;
  std::string_view callee = view.text(field(ts_node_parent(parent), "function"));
  if (callee == "hasattr" || callee == "getattr" || callee == "setattr")
    return ts_node_eq(ts_node_named_child(parent, 1), string);
  return ts_node_eq(ts_node_named_child(parent, 0), string) &&
         (callee.ends_with(".get") || callee.ends_with(".pop") || callee.ends_with("setdefault"));
}

// Every other place the file names a CUDA device: a literal wherever it stands (a default, a
// dict entry, a return value, `choices=`), a comparison with one, `x.is_cuda`, and the legacy
// typed constructors. One finding per line: the calls above may have reported it already.
void sweep_mentions(RuleContext& context, std::vector<uint32_t>& lines) {
  const ModuleView& view = context.view;
  auto reported = [&](TSNode node) {
    uint32_t line = ts_node_start_point(node).row + 1;
    if (std::find(lines.begin(), lines.end(), line) != lines.end()) return true;
    lines.push_back(line);
    return false;
  };
  for (const Mention& mention : context.mentions.strings()) {
    TSNode node = mention.node;
    if (!context.devices.is_cuda_literal(node) || is_prose_string(view, node) ||
        is_amp_argument(view, node) || is_key_position(view, node) || reported(node))
      continue;
    std::string spelled(view.text(node));
    TSNode parent = ts_node_parent(node);
    if (is(parent, "comparison_operator"))
      context.report(kCudaDeviceCheck, parent, spelled,
                     "`" + std::string(view.text(parent)) + "` asks whether the device is CUDA; on "
                     "a TPU it is always false: compare with the TPU device type " +
                         target_way(context.target, "\"xla\"", "\"tpu\"") + " or drop the check");
    else
      context.report(kCudaDeviceString, node, spelled,
                     "CUDA device string " + spelled + "; use " + target_way(context.target, "torch_xla.device()", "torch.device(\"tpu\")"))
          .fix.reset();
  }
  for (const Mention& mention : context.mentions.names()) {
    TSNode node = mention.node;
    if (is(node, "attribute") && view.text(field(node, "attribute")) == "is_cuda") {
      if (reported(node)) continue;
      context.report(kCudaDeviceCheck, node, std::string(view.text(node)),
                     "`" + std::string(view.text(node)) + "` is always False on a TPU: the CUDA "
                     "branch is skipped silently; test for the TPU device (x.device.type == " +
                         target_way(context.target, "\"xla\"", "\"tpu\"") + ") or drop the check");
      continue;
    }
    std::string qualified = view.qualify(node);
    if (is_cuda_tensor_type(qualified) && !reported(node))
      context.report(kCudaDeviceCheck, node, qualified,
                     "`" + qualified + "` is a CUDA tensor type: it allocates on, or tests for, "
                     "a CUDA device; use torch." + qualified.substr(11) +
                         " / a dtype with device=" + target_way(context.target, "torch_xla.device()", "torch.device(\"tpu\")"));
  }
}

}  // namespace

const std::span<const RuleMeta> kDevicePlacementRules = kRules;

void check_device_placement(RuleContext& context) {
  const ModuleView& view = context.view;
  const size_t first = context.findings_so_far();
  for (const Call& call : view.calls()) {
    if (call.method == "cuda" && call.is_method_call()) {
      Finding& finding = context.report_method(
          kTensorCudaCall, call, ".cuda()",
          "`.cuda()` moves data to a CUDA device; use `.to(device)` with device = " +
              target_way(context.target, "torch_xla.device()", "torch.device(\"tpu\")"));
      TSNode index = call.argument(0, "device");
      if (is_null(index))
        context.with_site(finding, "Tensor.cuda", ts_node_start_byte(call.method_name),
                          ts_node_end_byte(call.node));
      else
        context.with_site(finding, "Tensor.cuda.indexed", ts_node_start_byte(call.method_name),
                          ts_node_end_byte(call.node), {std::string(view.text(index))});
    }
    if (call.qualified == "torch.device") {
      TSNode argument = call.argument(0, "type");
      if (context.devices.is_cuda_literal(argument)) {
        Finding& finding = context.report(
            kCudaDeviceString, call.node, std::string(view.text(call.node)),
            "`" + std::string(view.text(call.node)) +
                "` selects a CUDA device; use " + target_way(context.target, "torch_xla.device()", "torch.device(\"tpu\")"));
        TSNode second = call.argument(1, "index");
        std::string index = is_null(second) ? device_index(argument, view.source())
                                            : std::string(view.text(second));
        if (index.empty()) context.with_site(finding, "device.call", call.node);
        else context.with_site(finding, "device.call.indexed", call.node, {index});
      } else {
        check_literal_or_variable(context, argument, call.context, "torch.device()");
      }
      continue;
    }
    if (call.method == "to" && call.is_method_call() && !call.positional.empty())
      check_literal_or_variable(context, call.positional[0], call.context, "`.to()`");
    for (const auto& [name, value] : call.keywords) {
      if (name == "device" || name == "map_location")
        check_literal_or_variable(context, value, call.context,
                                  "`" + std::string(name) + "=`");
    }
    // parser.add_argument("--device", default="cuda")
    if ((call.method == "add_argument" || call.method == "add_option") && !call.positional.empty()) {
      TSNode value = unparenthesize(call.keyword("default"));
      auto flag = string_value(call.positional[0], view.source());
      if (flag && names_a_device(*flag) && context.devices.is_cuda_literal(value)) {
        Finding& finding = context.report(
            kCudaDeviceString, value, std::string(view.text(value)),
            "command-line default " + std::string(view.text(value)) + " for " + *flag +
                " selects a CUDA device; default to the TPU device instead");
        context.with_site(finding, "device.string", value);
      }
    }
  }
  // device = "cuda", DEVICE = "cuda" if torch.cuda.is_available() else "cpu",
  // {"device": "cuda"} — the places a CUDA device is chosen.
  for (const Assignment& assignment : view.assignments()) {
    TSNode left = assignment.left;
    std::string_view name = view.text(is(left, "attribute") ? field(left, "attribute") : left);
    if (!is(left, "identifier") && !is(left, "attribute")) continue;
    TSNode right = unparenthesize(assignment.right);
    report_device_choice(context, name, right, names_a_device(name));
  }
  // def train(model, device="cuda"): a default parameter choosing the device.
  for (const FunctionInfo& function : view.functions()) {
    for_each_named_child(field(function.node, "parameters"), [&](TSNode parameter) {
      if (!is(parameter, "default_parameter") && !is(parameter, "typed_default_parameter")) return;
      std::string_view name = view.text(field(parameter, "name"));
      if (names_a_device(name))
        report_device_choice(context, name, unparenthesize(field(parameter, "value")), true);
    });
  }
  std::vector<uint32_t> lines = context.lines_since(first);
  sweep_mentions(context, lines);
}

}  // namespace tpu::python
