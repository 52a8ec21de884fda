// SPDX-License-Identifier: Apache-2.0
// amp: CUDA autocast (float16 by habit) and GradScaler, which bfloat16 on a TPU does not need.
#include "analyzer/python/rules/rule_families.h"
#include "analyzer/python/rules/rule_helpers.h"

#include <algorithm>
#include <cctype>

namespace tpu::python {
namespace {

constexpr RuleMeta kRules[] = {
    {.code = "TPU120", .name = "cuda-autocast", .category = Category::Amp,
     .severity = Severity::Warning, .language = Language::Python, .fix_sites = "autocast.cuda",
     .fix_title = "Autocast on the TPU device in bfloat16",
     .summary = "autocast on the CUDA device (`torch.cuda.amp.autocast`, `torch.autocast(\"cuda\")`)",
     .rationale = "CUDA autocast does nothing for tensors on a TPU, and float16 is the GPU's "
                  "mixed-precision type: the TPU's MXU computes in bfloat16.",
     .tpu_way = "`torch.amp.autocast(\"tpu\", dtype=torch.bfloat16)` on TorchTPU; "
                "`torch.autocast(\"xla\", dtype=torch.bfloat16)` on PyTorch/XLA.",
     .before = "with torch.cuda.amp.autocast(dtype=torch.float16):\n    loss = model(x)",
     .after = "with torch.amp.autocast(\"tpu\", dtype=torch.bfloat16):\n    loss = model(x)"},
    {.code = "TPU121", .name = "grad-scaler", .category = Category::Amp,
     .severity = Severity::Warning, .language = Language::Python, .fix_sites = "GradScaler",
     .fix_title = "Remove the GradScaler (bfloat16 needs no loss scaling)",
     .summary = "a CUDA GradScaler for float16 loss scaling",
     .rationale = "Loss scaling exists for float16's narrow range. bfloat16 has float32's range: "
                  "TorchTPU's bfloat16 autocast needs no scaler, and PyTorch/XLA removed its "
                  "GradScaler (pytorch/xla#9608).",
     .tpu_way = "Remove the scaler: `scaler.scale(loss).backward()` becomes `loss.backward()` "
                "and `scaler.step(opt); scaler.update()` becomes `opt.step()`. PyTorch/XLA "
                "offers sync-free optimizers in `torch_xla.amp.syncfree`.",
     .before = "scaler = torch.cuda.amp.GradScaler()\nscaler.scale(loss).backward()\n"
               "scaler.step(opt)\nscaler.update()",
     .after = "loss.backward()\nopt.step()"},
    {.code = "TPU122", .name = "amp-api", .category = Category::Amp,
     .severity = Severity::Warning, .language = Language::Python, .fix_sites = "",
     .fix_title = "",
     .summary = "CUDA mixed-precision machinery beyond the autocast call: imports of "
                "`torch.cuda.amp` names, every use of a GradScaler, `custom_fwd`/`custom_bwd`, "
                "autocast state queries",
     .rationale = "float16 autocast and loss scaling are the GPU's recipe. With bfloat16 on a "
                  "TPU each use of the scaler, each CUDA-typed decorator and each query of the "
                  "CUDA autocast state has to go or change.",
     .tpu_way = "Autocast on the TPU device in bfloat16 and drop the scaler: "
                "`scaler.scale(loss).backward()` becomes `loss.backward()`, "
                "`scaler.step(opt)` becomes `opt.step()`; `torch.amp.custom_fwd(device_type=\"tpu\")` "
                "(PyTorch/XLA: `device_type=\"xla\"`).",
     .before = "scaler.scale(loss).backward()\nscaler.step(optimizer)\nscaler.update()",
     .after = "loss.backward()\noptimizer.step()"},
};

const RuleMeta& kCudaAutocast = kRules[0];
const RuleMeta& kGradScaler = kRules[1];
const RuleMeta& kAmpApi = kRules[2];

bool is_grad_scaler_class(std::string_view qualified) {
  return qualified == "torch.cuda.amp.GradScaler" || qualified == "torch.amp.GradScaler" ||
         qualified == "torch.GradScaler" || qualified == "torch.amp.grad_scaler.GradScaler" ||
         qualified == "torch.cuda.amp.grad_scaler.GradScaler" ||
         qualified.ends_with(".ShardedGradScaler");
}

// Autocast state: queries and setters of the (CUDA) autocast mode.
bool is_autocast_state(std::string_view qualified) {
  for (std::string_view name :
       {"torch.is_autocast_enabled", "torch.get_autocast_gpu_dtype", "torch.get_autocast_dtype",
        "torch.set_autocast_enabled", "torch.set_autocast_gpu_dtype", "torch.set_autocast_dtype",
        "torch.is_autocast_cache_enabled", "torch.clear_autocast_cache",
        "torch.amp.is_autocast_available", "torch.amp.autocast_mode.is_autocast_available"})
    if (qualified == name) return true;
  return false;
}

// The decorators that run an autograd Function's forward/backward under (CUDA) autocast.
bool is_custom_autograd_decorator(std::string_view qualified) {
  return qualified == "torch.amp.custom_fwd" || qualified == "torch.amp.custom_bwd" ||
         qualified == "torch.cuda.amp.custom_fwd" || qualified == "torch.cuda.amp.custom_bwd";
}

// A GradScaler's methods: each call on a scaler is a line to change when the scaler goes.
bool is_scaler_method(std::string_view method) {
  for (std::string_view name : {"scale", "unscale_", "step", "update", "get_scale", "is_enabled",
                                "state_dict", "load_state_dict", "_check_inf_per_device",
                                "_get_scale_async", "_unscale_grads_", "set_growth_factor",
                                "get_growth_factor", "get_backoff_factor", "get_growth_interval",
                                "_scale", "_found_inf_per_device"})
    if (method == name) return true;
  return false;
}

// `scaler`, `self.grad_scaler`, `loss_scaler`: the last name of a receiver, lowered.
std::string last_name_lowered(std::string_view spelled) {
  std::string name(spelled.substr(spelled.rfind('.') + 1));
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

bool is_half(const ModuleView& view, TSNode dtype) {
  std::string qualified = view.qualify(dtype);
  return qualified == "torch.float16" || qualified == "torch.half";
}

// One finding per line: TPU120/121 may have reported it, or an earlier name on it.
bool first_on_line(std::vector<uint32_t>& lines, TSNode node) {
  uint32_t line = ts_node_start_point(node).row + 1;
  if (std::find(lines.begin(), lines.end(), line) != lines.end()) return false;
  lines.push_back(line);
  return true;
}

void report_api(RuleContext& context, std::vector<uint32_t>& lines, TSNode node,
                std::string symbol, std::string what) {
  if (!first_on_line(lines, node)) return;
  context.report(kAmpApi, node, std::move(symbol),
                 std::move(what) + "; on a TPU autocast in bfloat16 on the TPU device and drop "
                 "loss scaling");
}

// Everything AMP that is not the autocast or GradScaler constructor itself.
void check_amp_uses(RuleContext& context, std::vector<uint32_t>& lines) {
  const ModuleView& view = context.view;
  for (const Import& import : view.imports()) {
    const std::string& module = import.module;
    if (has_prefix(module, "torch.cuda.amp") || is_grad_scaler_class(module) ||
        module == "torch.amp.autocast" || module == "torch.autocast" ||
        module == "torch.amp.custom_fwd" || module == "torch.amp.custom_bwd" ||
        has_prefix(module, "torch.distributed.fsdp.sharded_grad_scaler"))
      report_api(context, lines, import.node, module, "import of `" + module + "`, CUDA mixed precision");
  }
  for (const Decorator& decorator : view.decorators()) {
    const std::string& q = decorator.qualified;
    bool cuda_typed = has_prefix(q, "torch.cuda.amp.custom_fwd") ||
                      has_prefix(q, "torch.cuda.amp.custom_bwd");
    if ((q == "torch.amp.custom_fwd" || q == "torch.amp.custom_bwd") && is(decorator.node, "call")) {
      // @torch.amp.custom_fwd(device_type="cuda")
      for (const Call& call : view.calls())
        if (ts_node_eq(call.node, decorator.node)) {
          auto device = string_constant(view, call.argument(0, "device_type"), call.context);
          cuda_typed = device && *device == "cuda";
          break;
        }
    }
    // The call form of torch.cuda.amp.custom_fwd(...) is reported with the calls (TPU120).
    if (cuda_typed && !is(decorator.node, "call"))
      report_api(context, lines, decorator.node, q, "`@" + q + "` runs the function under CUDA autocast");
    else if (cuda_typed && has_prefix(q, "torch.amp"))
      report_api(context, lines, decorator.node, q, "`@" + q + "` on the CUDA device");
  }
  // Scalers: names bound to a GradScaler here, and receivers named like one.
  std::vector<std::string> scalers;
  for (const Assignment& assignment : view.assignments()) {
    TSNode right = unparenthesize(assignment.right);
    if (is(right, "call") && is_grad_scaler_class(view.qualify(field(right, "function"))))
      scalers.emplace_back(view.text(assignment.left));
  }
  for (const Call& call : view.calls()) {
    const std::string& q = call.qualified;
    // custom_fwd/custom_bwd passed as a value: functools.partial(torch.amp.custom_fwd,
    // device_type=…), or a repository wrapper built around them.
    for (TSNode argument : call.positional) {
      std::string_view spelled = view.text(argument);
      if (!spelled.ends_with("custom_fwd") && !spelled.ends_with("custom_bwd")) continue;
      std::string passed = view.qualify(argument);
      if (is_custom_autograd_decorator(passed))
        report_api(context, lines, argument, passed,
                   "`" + passed + "` is passed on: the function it decorates runs under CUDA autocast");
    }
    if (is_autocast_state(q)) {
      report_api(context, lines, call.node, q, "`" + q + "` queries or sets the CUDA autocast state");
      continue;
    }
    if (has_prefix(q, "torch.cuda.amp") && !has_prefix(q, "torch.cuda.amp.autocast") &&
        !has_prefix(q, "torch.cuda.amp.GradScaler") && !has_prefix(q, "torch.cuda.amp.custom_")) {
      report_api(context, lines, call.node, q, "`" + q + "` is CUDA mixed precision");
      continue;
    }
    // `loss_scaler(loss, optimizer, …)`: a GradScaler wrapper (timm's NativeScaler) handed in
    // and called on the loss; its scale/step/update run inside. Known by the callee's name and
    // the loss it is given, as the method calls below are.
    if (q.empty() && !call.positional.empty() &&
        (is(call.function, "identifier") || is(call.function, "attribute")) &&
        last_name_lowered(view.text(call.function)).find("scaler") != std::string::npos &&
        last_name_lowered(view.text(call.positional[0])).find("loss") != std::string::npos) {
      std::string callee(view.text(call.function));
      report_api(context, lines, call.node, callee,
                 "`" + callee + "(…)` runs a GradScaler wrapper on the loss (scale, step, update)");
      continue;
    }
    if (!call.is_method_call() || !is_scaler_method(call.method)) continue;
    std::string_view receiver = view.text(call.receiver);
    bool known = std::find(scalers.begin(), scalers.end(), receiver) != scalers.end();
    if (!known && last_name_lowered(receiver).find("scaler") == std::string::npos) continue;
    if (!first_on_line(lines, call.node)) continue;
    context.report_method(kAmpApi, call, std::string(receiver) + "." + call.method,
                          "`" + std::string(receiver) + "." + call.method +
                              "` uses a GradScaler, float16 loss scaling that bfloat16 on a TPU "
                              "does not need: scaler.scale(loss).backward() -> loss.backward(), "
                              "scaler.step(opt) -> opt.step(), scaler.update() -> nothing");
  }
  for (const Mention& mention : context.mentions.names()) {
    if (mention.callee) continue;
    std::string qualified = view.qualify(mention.node);
    if (has_prefix(qualified, "torch.cuda.amp"))
      report_api(context, lines, mention.node, qualified, "`" + qualified + "` is CUDA mixed precision");
  }
}

}  // namespace

const std::span<const RuleMeta> kAmpRules = kRules;

void check_amp(RuleContext& context) {
  const ModuleView& view = context.view;
  const size_t first = context.findings_so_far();
  for (const Call& call : view.calls()) {
    // `functools.partial(torch.amp.autocast, device_type=…)` builds the autocast context the
    // way a call does: judged by the callable and the arguments the partial binds.
    bool partial = call.qualified == "functools.partial" && !call.positional.empty();
    const std::string q = partial ? view.qualify(call.positional[0]) : call.qualified;
    const size_t first_argument = partial ? 1 : 0;
    bool cuda_autocast = q == "torch.cuda.amp.autocast" || q == "torch.cuda.amp.custom_fwd" ||
                         q == "torch.cuda.amp.custom_bwd";
    if (q == "torch.autocast" || q == "torch.amp.autocast" || q == "torch.amp.autocast_mode.autocast") {
      TSNode type = call.argument(first_argument, "device_type");
      auto device = string_constant(view, type, call.context);
      // `device_type=dt` where dt = "cuda" if "cuda" in device else "cpu", or device.type.
      cuda_autocast = device ? *device == "cuda"
                             : context.devices.evaluate(type, call.context).has_value();
    }
    if (cuda_autocast) {
      std::string message = "`" + q + "` autocasts on the CUDA device only";
      if (partial) message = "`functools.partial` of " + message;
      if (is_half(view, call.keyword("dtype")) || q.starts_with("torch.cuda.amp.autocast"))
        message += " (float16 by default)";
      message += "; use " + target_way(context.target, "torch.autocast(\"xla\", dtype=torch.bfloat16)",
                                       "torch.amp.autocast(\"tpu\", dtype=torch.bfloat16)");
      Finding& finding = context.report(kCudaAutocast, call.node, q, message);
      // Keeps the call's other options (enabled=, cache_enabled=); dtype becomes bfloat16. (A
      // partial of autocast is changed by hand: the rewrite replaces calls.)
      if (!partial)
        context.with_site(finding, "autocast.cuda", call.node,
                          {kept_keywords(view, call, {"dtype", "device_type"})});
      continue;
    }
    if (partial) continue;
    bool scaler = q == "torch.cuda.amp.GradScaler" || q.ends_with(".ShardedGradScaler");
    if (q == "torch.amp.GradScaler" || q == "torch.GradScaler") {
      auto device = string_constant(view, call.argument(0, "device"), call.context);
      scaler = !device || *device == "cuda";
    }
    TSNode enabled = unparenthesize(call.keyword("enabled"));
    // A scaler already disabled (enabled=False), or gated by the portable helper, needs no fix.
    if (is(enabled, "false") || view.text(enabled).starts_with("_tpu_")) scaler = false;
    if (scaler) {
      Finding& finding = context.report(
          kGradScaler, call.node, q,
          "`" + q + "` scales float16 losses; with bfloat16 on a TPU no loss scaling is "
          "needed: disable or remove it (scaler.scale(loss).backward() -> loss.backward())");
      // Disabling keeps every scaler.scale/step/update call site working as a pass-through.
      // {1} is what the call keeps before `enabled=`: its positional arguments and other
      // keywords, each followed by ", ".
      std::string kept;
      for (TSNode argument : call.positional) kept += std::string(view.text(argument)) + ", ";
      for (const auto& [name, value] : call.keywords)
        if (name != "enabled") kept += std::string(name) + "=" + std::string(view.text(value)) + ", ";
      context.with_site(finding, "GradScaler", field(call.node, "arguments"),
                        {is_null(enabled) ? "True" : std::string(view.text(enabled)), kept});
    }
  }
  std::vector<uint32_t> lines = context.lines_since(first);
  check_amp_uses(context, lines);
}

}  // namespace tpu::python
