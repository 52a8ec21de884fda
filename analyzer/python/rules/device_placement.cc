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
     .severity = Severity::Warning, .language = Language::Python, .fix = Applicability::Safe,
     .fix_title = "Replace `.cuda()` with `.to(device)`",
     .summary = "`.cuda()` moves a tensor or module to a CUDA device",
     .rationale = "A TPU host has no CUDA device: `.cuda()` raises there. Code that names one "
                  "device type cannot move between accelerators.",
     .tpu_way = "Move data with `.to(device)`, where `device = torch_xla.device()` on "
                "PyTorch/XLA (`xm.xla_device()` is deprecated) or `torch.device(\"tpu\")` on "
                "TorchTPU.",
     .before = "model = Net().cuda()\nx = batch.cuda(non_blocking=True)",
     .after = "device = torch_xla.device()\nmodel = Net().to(device)\nx = batch.to(device)"},
    {.code = "TPU102", .name = "cuda-device-string", .category = Category::DevicePlacement,
     .severity = Severity::Warning, .language = Language::Python, .fix = Applicability::Safe,
     .fix_title = "Replace the CUDA device with the TPU device",
     .summary = "a \"cuda\" / \"cuda:N\" device string selects a CUDA device",
     .rationale = "Device strings such as \"cuda:0\" fail on a TPU host (no CUDA device) or, "
                  "behind an availability check, silently fall back to the CPU.",
     .tpu_way = "Use `torch_xla.device()` (PyTorch/XLA; the device type is \"xla\") or "
                "`torch.device(\"tpu\")` (TorchTPU). Rank-indexed devices are not needed: each "
                "process started by `torch_xla.launch` owns its device.",
     .before = "x = torch.zeros(8, device=\"cuda\")\ndev = torch.device(f\"cuda:{rank}\")",
     .after = "x = torch.zeros(8, device=torch_xla.device())\ndev = torch_xla.device()"},
    {.code = "TPU103", .name = "cuda-device-variable", .category = Category::DevicePlacement,
     .severity = Severity::Warning, .language = Language::Python, .fix = std::nullopt,
     .fix_title = "",
     .summary = "a variable holding a CUDA device reaches `.to()`, `torch.device()` or `device=`",
     .rationale = "The device comes from a constant, a default argument, an argparse default or "
                  "a config entry set to \"cuda\". The use site is where data lands on the wrong "
                  "device; the fix belongs where the value is set (reported there too).",
     .tpu_way = "Set the device once from `torch_xla.device()` (PyTorch/XLA) or "
                "`torch.device(\"tpu\")` (TorchTPU) and pass it around.",
     .before = "parser.add_argument(\"--device\", default=\"cuda\")\n...\nmodel.to(args.device)",
     .after = "parser.add_argument(\"--device\", default=\"xla\")\n...\n"
              "model.to(torch_xla.device() if args.device == \"xla\" else args.device)"},
};

const RuleMeta& kTensorCudaCall = kRules[0];
const RuleMeta& kCudaDeviceString = kRules[1];
const RuleMeta& kCudaDeviceVariable = kRules[2];

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

// Variables (not literals or calls) are what TPU103 follows; literals are TPU102's.
// `cfg.get("device")` reads a variable too.
bool is_variable(TSNode node, std::string_view source) {
  node = unparenthesize(node);
  if (is(node, "call")) {
    TSNode function = field(node, "function");
    return is(function, "attribute") && text(field(function, "attribute"), source) == "get";
  }
  return is(node, "identifier") || is(node, "attribute") || is(node, "subscript");
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

std::string describe(const DeviceValue& value) {
  std::string text = "holds the CUDA device " + value.spelled + " (set at line " +
                     std::to_string(value.origin_line) + ")";
  if (value.conditional)
    text += "; its fallback branch runs on the CPU on a TPU host, silently";
  return text;
}

void check_literal_or_variable(RuleContext& context, TSNode argument, const Context& where,
                               std::string_view position) {
  argument = unparenthesize(argument);
  if (is_null(argument)) return;
  if (context.devices.is_cuda_literal(argument)) {
    Finding& finding = context.report(
        kCudaDeviceString, argument, std::string(context.view.text(argument)),
        "CUDA device string " + std::string(context.view.text(argument)) + " in " +
            std::string(position) + "; use torch_xla.device() (TorchTPU: torch.device(\"tpu\"))");
    literal_site(context, finding, argument);
    return;
  }
  if (!is_variable(argument, context.view.source())) return;
  if (auto value = context.devices.evaluate(argument, where)) {
    std::string name(context.view.text(argument));
    context.report(kCudaDeviceVariable, argument, name,
                   "`" + name + "` " + describe(*value) + "; it reaches " + std::string(position));
  }
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
            "; use torch_xla.device() (TorchTPU: torch.device(\"tpu\"))");
    // A choice between CUDA and the CPU is replaced whole: on a TPU host its CPU branch
    // would win.
    context.with_site(finding, "device.string", value);
  }
}

}  // namespace

const std::span<const RuleMeta> kDevicePlacementRules = kRules;

void check_device_placement(RuleContext& context) {
  const ModuleView& view = context.view;
  for (const Call& call : view.calls()) {
    if (call.method == "cuda" && call.is_method_call()) {
      Finding& finding = context.report_method(
          kTensorCudaCall, call, ".cuda()",
          "`.cuda()` moves data to a CUDA device; use `.to(device)` with "
          "`device = torch_xla.device()` (TorchTPU: torch.device(\"tpu\"))");
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
                "` selects a CUDA device; use torch_xla.device() (TorchTPU: torch.device(\"tpu\"))");
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
}

}  // namespace tpu::python
