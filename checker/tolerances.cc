// SPDX-License-Identifier: Apache-2.0
// The default numbers, and where each comes from (TARGETS.md, "Numerics-checking methods and
// thresholds"):
//  - pass band: torch.testing.assert_close defaults, which TorchTPU's parity notebook uses in
//    STRICT mode: float32 rtol 1.3e-6 / atol 1e-5, float16 1e-3 / 1e-5, bfloat16 1.6e-2 / 1e-5,
//    float64 1e-7 / 1e-7.
//  - warn band: the pass band of the precision the TPU really computes in. A float32 matmul
//    or convolution at XLA's DEFAULT precision is one bfloat16 pass on the MXU (TorchTPU
//    precision notebook), so float32 outputs warn within bfloat16's band; a TPU has no float64
//    (computed in float32), so float64 outputs warn within float32's band; float16 warns within
//    bfloat16's. bfloat16 has nothing below it: its warn band is 2^-4, four times its pass rtol
//    (our choice, two more bits lost).
//  - cosine_min 0.99: msprobe's acceptance ("Cosine > 0.99"; <= 0.99 is an error).
//  - warn_fraction 0.001: msprobe's dual-1000 ("fewer than 1/1000 of elements" beyond).
//  - levels and ratio limits: msprobe acc_check's benchmark method (L0 / L1 / L2).
#include "checker/tolerances.h"

#include <array>

namespace tpu::checker {
namespace {

struct DefaultRow {
  std::string_view dtype;
  Tolerance tolerance;
};

constexpr Tolerance kFloat32{1.3e-6, 1e-5, 1.6e-2, 1e-5, 0.99, 0.001};
constexpr std::array<DefaultRow, 7> kDefaults = {{
    {"float64", {1e-7, 1e-7, 1.3e-6, 1e-5, 0.99, 0.001}},
    {"complex128", {1e-7, 1e-7, 1.3e-6, 1e-5, 0.99, 0.001}},
    {"float32", kFloat32},
    {"complex64", kFloat32},
    {"float16", {1e-3, 1e-5, 1.6e-2, 1e-5, 0.99, 0.001}},
    {"complex32", {1e-3, 1e-5, 1.6e-2, 1e-5, 0.99, 0.001}},
    {"bfloat16", {1.6e-2, 1e-5, 6.25e-2, 1e-5, 0.99, 0.001}},
}};

// msprobe acc_check standard_config: L1 = embedding, fusion attention, scatter_, scatter_add_;
// L2 = addmm, matmul, mm, layer_norm, GELU, sum, index, one_hot, nonzero, cross-entropy,
// rms_norm. Spelled as the aten ops a trace records for them.
constexpr std::array<std::string_view, 8> kLevel1 = {
    "aten::embedding", "aten::embedding_dense_backward", "aten::scatter_", "aten::scatter_add_",
    "aten::_scaled_dot_product_attention", "aten::_scaled_dot_product_flash_attention",
    "aten::_scaled_dot_product_efficient_attention", "aten::_flash_attention_forward"};
constexpr std::array<std::string_view, 16> kLevel2 = {
    "aten::addmm", "aten::matmul", "aten::mm", "aten::bmm", "aten::native_layer_norm",
    "aten::layer_norm", "aten::gelu", "aten::sum", "aten::index", "aten::one_hot",
    "aten::nonzero", "aten::cross_entropy_loss", "aten::nll_loss_forward", "aten::rms_norm",
    "aten::_fused_rms_norm", "aten::native_layer_norm_backward"};

}  // namespace

std::string_view to_string(Level level) {
  switch (level) {
    case Level::L0: return "L0";
    case Level::L1: return "L1";
    case Level::L2: return "L2";
  }
  return "L0";
}

std::optional<Level> parse_level(std::string_view text) {
  if (text == "L0") return Level::L0;
  if (text == "L1") return Level::L1;
  if (text == "L2") return Level::L2;
  return std::nullopt;
}

RatioLimit ratio_limit(Level level) {
  switch (level) {
    case Level::L0: return {2.0, 10.0};
    case Level::L1: return {1.5, 5.0};
    case Level::L2: return {1.2, 2.0};
  }
  return {};
}

void TolerancePatch::apply_to(Tolerance& t) const {
  if (rtol) t.rtol = *rtol;
  if (atol) t.atol = *atol;
  if (warn_rtol) t.warn_rtol = *warn_rtol;
  if (warn_atol) t.warn_atol = *warn_atol;
  if (cosine_min) t.cosine_min = *cosine_min;
  if (warn_fraction) t.warn_fraction = *warn_fraction;
}

Tolerance default_tolerance(std::string_view dtype) {
  for (const DefaultRow& row : kDefaults)
    if (row.dtype == dtype) return row.tolerance;
  return kFloat32;
}

Level default_level(std::string_view op) {
  for (std::string_view name : kLevel2)
    if (name == op) return Level::L2;
  for (std::string_view name : kLevel1)
    if (name == op) return Level::L1;
  return Level::L0;
}

ToleranceTable ToleranceTable::defaults() { return {}; }

const OpPolicy* ToleranceTable::find(std::string_view op, std::string_view overload,
                                     bool overload_specific) const {
  std::string key(op);
  if (overload_specific) {
    if (overload.empty() || overload == "default") return nullptr;
    key += ".";
    key += overload;
  }
  auto it = ops.find(key);
  return it == ops.end() ? nullptr : &it->second;
}

Tolerance ToleranceTable::resolve(std::string_view op, std::string_view overload, std::string_view dtype,
                                   std::optional<double> target_warn_rtol) const {
  Tolerance tolerance = default_tolerance(dtype);
  if (target_warn_rtol && *target_warn_rtol > tolerance.warn_rtol) tolerance.warn_rtol = *target_warn_rtol;
  global.apply_to(tolerance);
  if (auto it = dtypes.find(dtype); it != dtypes.end()) it->second.apply_to(tolerance);
  for (bool specific : {false, true}) {  // the bare op first, so that the overload wins
    const OpPolicy* policy = find(op, overload, specific);
    if (!policy) continue;
    policy->all_dtypes.apply_to(tolerance);
    if (auto it = policy->by_dtype.find(dtype); it != policy->by_dtype.end()) it->second.apply_to(tolerance);
  }
  return tolerance;
}

Level ToleranceTable::level(std::string_view op, std::string_view overload) const {
  Level result = default_level(op);
  for (bool specific : {false, true})
    if (const OpPolicy* policy = find(op, overload, specific); policy && policy->level) result = *policy->level;
  return result;
}

bool ToleranceTable::skipped(std::string_view op, std::string_view overload) const {
  bool result = false;
  for (bool specific : {false, true})
    if (const OpPolicy* policy = find(op, overload, specific); policy && policy->skip) result = *policy->skip;
  return result;
}

}  // namespace tpu::checker
