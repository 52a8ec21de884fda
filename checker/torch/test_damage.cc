// SPDX-License-Identifier: Apache-2.0
#include "checker/torch/test_damage.h"

namespace tpu::checker {

std::optional<DamageKind> damage_for(const std::vector<std::string>& specs, const SampleCall& call, bool all) {
  const std::string with_overload = call.op + "." + call.overload;
  for (const std::string& text : specs) {
    std::string error;
    std::optional<DamageSpec> spec = parse_damage_spec(text, &error);  // checked by the CLI
    if (spec && (spec->name == call.op || spec->name == with_overload)) return spec->kind;
  }
  if (all && specs.empty()) return DamageKind::TenPercent;
  return std::nullopt;
}

std::vector<c10::IValue> damage_ten_percent(std::vector<c10::IValue> returns) {
  for (c10::IValue& value : returns) {
    if (!value.isTensor() || !value.toTensor().defined()) continue;
    at::Tensor t = value.toTensor().clone();
    if (t.numel() == 0) continue;
    if (t.is_floating_point()) {
      at::Tensor sign = at::arange(t.numel(), at::TensorOptions().dtype(c10::kLong)).remainder(2).mul(2).sub(1);
      t = t.mul(sign.reshape(t.sizes()).to(t.scalar_type()).mul(0.1).add(1));
    } else if (t.scalar_type() != c10::kBool) {
      t.view({-1})[0].add_(1);
    } else {
      t.view({-1})[0].logical_not_();
    }
    value = t;
  }
  return returns;
}

std::vector<c10::IValue> run_in_float16(const SampleCall& call) {
  ArgPolicy policy;
  policy.tensor_hook = [](const at::Tensor& x, const std::string&) {
    return x.is_floating_point() ? x.to(c10::kHalf).to(x.scalar_type()) : x;
  };
  std::vector<c10::IValue> returns = call_boxed(call, build_stack(call, policy));
  for (c10::IValue& value : returns)
    if (value.isTensor() && value.toTensor().defined() && value.toTensor().is_floating_point())
      value = value.toTensor().to(c10::kHalf);
  return returns;
}

}  // namespace tpu::checker
