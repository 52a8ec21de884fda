// SPDX-License-Identifier: Apache-2.0
// amp: CUDA autocast (float16 by habit) and GradScaler, which bfloat16 on a TPU does not need.
#include "analyzer/python/rules/rule_families.h"
#include "analyzer/python/rules/rule_helpers.h"

namespace tpu::python {
namespace {

constexpr RuleMeta kRules[] = {
    {.code = "TPU120", .name = "cuda-autocast", .category = Category::Amp,
     .severity = Severity::Warning, .language = Language::Python, .fix = Applicability::Safe,
     .fix_title = "Autocast on the TPU device in bfloat16",
     .summary = "autocast on the CUDA device (`torch.cuda.amp.autocast`, `torch.autocast(\"cuda\")`)",
     .rationale = "CUDA autocast does nothing for tensors on a TPU, and float16 is the GPU's "
                  "mixed-precision type: the TPU's MXU computes in bfloat16.",
     .tpu_way = "`torch.autocast(\"xla\", dtype=torch.bfloat16)` on PyTorch/XLA; "
                "`torch.amp.autocast(\"tpu\", dtype=torch.bfloat16)` on TorchTPU.",
     .before = "with torch.cuda.amp.autocast(dtype=torch.float16):\n    loss = model(x)",
     .after = "with torch.autocast(\"xla\", dtype=torch.bfloat16):\n    loss = model(x)"},
    {.code = "TPU121", .name = "grad-scaler", .category = Category::Amp,
     .severity = Severity::Warning, .language = Language::Python, .fix = Applicability::Unsafe,
     .fix_title = "Remove the GradScaler (bfloat16 needs no loss scaling)",
     .summary = "a CUDA GradScaler for float16 loss scaling",
     .rationale = "Loss scaling exists for float16's narrow range. bfloat16 has float32's range, "
                  "and PyTorch/XLA removed its GradScaler (pytorch/xla#9608).",
     .tpu_way = "Remove the scaler: `scaler.scale(loss).backward()` becomes `loss.backward()` "
                "and `scaler.step(opt); scaler.update()` becomes `opt.step()`. PyTorch/XLA "
                "offers sync-free optimizers in `torch_xla.amp.syncfree`.",
     .before = "scaler = torch.cuda.amp.GradScaler()\nscaler.scale(loss).backward()\n"
               "scaler.step(opt)\nscaler.update()",
     .after = "loss.backward()\nopt.step()"},
};

const RuleMeta& kCudaAutocast = kRules[0];
const RuleMeta& kGradScaler = kRules[1];

bool is_half(const ModuleView& view, TSNode dtype) {
  std::string qualified = view.qualify(dtype);
  return qualified == "torch.float16" || qualified == "torch.half";
}

}  // namespace

const std::span<const RuleMeta> kAmpRules = kRules;

void check_amp(RuleContext& context) {
  const ModuleView& view = context.view;
  for (const Call& call : view.calls()) {
    const std::string& q = call.qualified;
    bool cuda_autocast = q == "torch.cuda.amp.autocast" || q == "torch.cuda.amp.custom_fwd" ||
                         q == "torch.cuda.amp.custom_bwd";
    if (q == "torch.autocast" || q == "torch.amp.autocast" || q == "torch.amp.autocast_mode.autocast") {
      auto device = string_constant(view, call.argument(0, "device_type"), call.context);
      cuda_autocast = device && *device == "cuda";
    }
    if (cuda_autocast) {
      std::string message = "`" + q + "` autocasts on the CUDA device only";
      if (is_half(view, call.keyword("dtype")) || q.starts_with("torch.cuda.amp.autocast"))
        message += " (float16 by default)";
      message += "; use torch.autocast(\"xla\", dtype=torch.bfloat16) (TorchTPU: "
                 "torch.amp.autocast(\"tpu\", dtype=torch.bfloat16))";
      Finding& finding = context.report(kCudaAutocast, call.node, q, message);
      // Keeps the call's other options (enabled=, cache_enabled=); dtype becomes bfloat16.
      context.with_site(finding, "autocast.cuda", call.node,
                        {kept_keywords(view, call, {"dtype", "device_type"})});
      continue;
    }
    bool scaler = q == "torch.cuda.amp.GradScaler";
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
}

}  // namespace tpu::python
