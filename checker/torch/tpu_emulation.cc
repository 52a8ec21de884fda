// SPDX-License-Identifier: Apache-2.0
// Why these rules (TARGETS.md, "Why TPU != GPU numerically", from the TorchTPU precision notes
// and torch_xla/backends/__init__.py):
//  - The MXU takes bfloat16 inputs and accumulates in float32, so a float32 matmul at XLA's
//    DEFAULT precision is one bfloat16 pass: operands rounded to bfloat16, products exact in
//    float32 (8 + 8 significant bits fit in 24), sums in float32. That is what a float32 CPU
//    matmul on bfloat16-rounded operands computes.
//  - HIGH is bf16x3: x = hi + lo with hi = bf16(x), lo = bf16(x - hi) (x - hi is exact in
//    float32), and the product is hi*hi + hi*lo + lo*hi, the small terms summed first; lo*lo is
//    dropped. HIGHEST (bf16x6) is within rounding of float32 and is computed in float32 here.
//  - A TPU has no float64: XLA computes it in float32.
//  - The TPU flushes subnormals to zero. Inputs and outputs of every op are flushed here, and
//    the CPU's own flush-to-zero mode is on while the op runs (on this thread; intra-op worker
//    threads keep IEEE subnormals, a documented limit). The sign of a flushed zero is not kept.
// Not emulated: XLA's fusion and excess precision inside fused elementwise chains, reduction
// order, transcendental implementations, and constant folding in bfloat16 (pytorch/xla#8372).
#include "checker/torch/tpu_emulation.h"

#include <array>
#include <limits>
#include <string_view>

namespace tpu::checker {
namespace {

// The two operand groups of a bilinear MXU op (each output is linear in one operand from A
// and one from B), the bias arguments added once, and outputs that are linear in A alone
// (convolution_backward's grad_bias, a plain sum of grad_output, not an MXU product).
struct MxuOp {
  std::string_view op;
  std::array<std::string_view, 1> a;
  std::array<std::string_view, 2> b;
  std::string_view bias;
  int linear_output = -1;
};

constexpr std::array<MxuOp, 22> kMxuOps = {{
    {"aten::mm", {"self"}, {"mat2", ""}, "", -1},
    {"aten::bmm", {"self"}, {"mat2", ""}, "", -1},
    {"aten::matmul", {"self"}, {"other", ""}, "", -1},
    {"aten::mv", {"self"}, {"vec", ""}, "", -1},
    {"aten::dot", {"self"}, {"tensor", ""}, "", -1},
    {"aten::vdot", {"self"}, {"other", ""}, "", -1},
    {"aten::addmm", {"mat1"}, {"mat2", ""}, "self", -1},
    {"aten::addmm_", {"mat1"}, {"mat2", ""}, "self", -1},
    {"aten::baddbmm", {"batch1"}, {"batch2", ""}, "self", -1},
    {"aten::baddbmm_", {"batch1"}, {"batch2", ""}, "self", -1},
    {"aten::addbmm", {"batch1"}, {"batch2", ""}, "self", -1},
    {"aten::addmv", {"mat"}, {"vec", ""}, "self", -1},
    {"aten::linear", {"input"}, {"weight", ""}, "bias", -1},
    {"aten::convolution", {"input"}, {"weight", ""}, "bias", -1},
    {"aten::_convolution", {"input"}, {"weight", ""}, "bias", -1},
    {"aten::conv1d", {"input"}, {"weight", ""}, "bias", -1},
    {"aten::conv2d", {"input"}, {"weight", ""}, "bias", -1},
    {"aten::conv3d", {"input"}, {"weight", ""}, "bias", -1},
    {"aten::conv_transpose1d", {"input"}, {"weight", ""}, "bias", -1},
    {"aten::conv_transpose2d", {"input"}, {"weight", ""}, "bias", -1},
    {"aten::conv_transpose3d", {"input"}, {"weight", ""}, "bias", -1},
    {"aten::convolution_backward", {"grad_output"}, {"input", "weight"}, "", 2},
}};

const MxuOp* find_mxu(const std::string& op) {
  for (const MxuOp& entry : kMxuOps)
    if (entry.op == op) return &entry;
  return nullptr;
}

enum class Part { Whole, Hi, Lo };

bool in_group(std::string_view name, const auto& group) {
  for (std::string_view member : group)
    if (!member.empty() && member == name) return true;
  return false;
}

at::Tensor split_part(const at::Tensor& x, Part part) {
  at::Tensor hi = round_to_bfloat16(x);
  if (part == Part::Hi) return hi;
  return round_to_bfloat16(x - hi);
}

// One MXU pass: operands of group A taken as `a`, of group B as `b` (each widened to
// float32 first, so bfloat16 operands accumulate in float32 as the MXU does); the bias kept or
// zeroed. Returns the raw returns.
std::vector<c10::IValue> mxu_pass(const SampleCall& call, const MxuOp& mxu, Part a, Part b, bool keep_bias) {
  ArgPolicy policy;
  policy.floats = FloatPolicy::NarrowFloat64;
  policy.tensor_hook = [&](const at::Tensor& input, const std::string& name) {
    at::Tensor x = flush_subnormals(input);
    if (!x.is_floating_point()) return x;
    if (x.scalar_type() != c10::kFloat) x = x.to(c10::kFloat);
    if (in_group(name, mxu.a)) return a == Part::Whole ? x : split_part(x, a);
    if (in_group(name, mxu.b)) return b == Part::Whole ? x : split_part(x, b);
    if (name == mxu.bias && !keep_bias) return at::zeros_like(x);
    return x;
  };
  return call_boxed(call, build_stack(call, policy));
}

// Floating outputs back to the dtype the op computes in (bfloat16 in, bfloat16 out).
void cast_outputs(std::vector<c10::IValue>& returns, c10::ScalarType dtype) {
  for (c10::IValue& value : returns)
    if (value.isTensor() && value.toTensor().defined() && value.toTensor().is_floating_point())
      value = value.toTensor().to(dtype);
}

c10::ScalarType operand_dtype(const SampleCall& call, const MxuOp& mxu) {
  for (const SavedArg& arg : call.args)
    if (in_group(arg.name, mxu.a) && arg.value.isTensor()) {
      c10::ScalarType type = arg.value.toTensor().scalar_type();
      return type == c10::kDouble ? c10::kFloat : type;
    }
  return c10::kFloat;
}

std::vector<c10::IValue> add_returns(const std::vector<c10::IValue>& x, const std::vector<c10::IValue>& y) {
  std::vector<c10::IValue> sum = x;
  for (size_t i = 0; i < sum.size() && i < y.size(); ++i)
    if (sum[i].isTensor() && y[i].isTensor() && sum[i].toTensor().defined() && y[i].toTensor().defined())
      sum[i] = sum[i].toTensor() + y[i].toTensor();
  return sum;
}

// An output that is not an MXU product (grad_bias) is computed from the whole float32 operand.
void keep_linear_output(const SampleCall& call, const MxuOp& mxu, std::vector<c10::IValue>& returns) {
  if (mxu.linear_output < 0 || static_cast<size_t>(mxu.linear_output) >= returns.size()) return;
  returns[mxu.linear_output] = mxu_pass(call, mxu, Part::Whole, Part::Whole, true)[mxu.linear_output];
}

struct FlushDenormalScope {
  FlushDenormalScope() { active = at::globalContext().setFlushDenormal(true); }
  ~FlushDenormalScope() {
    if (active) at::globalContext().setFlushDenormal(false);
  }
  bool active = false;
};

}  // namespace


bool is_mxu_op(const std::string& op) { return find_mxu(op) != nullptr; }

std::optional<double> mxu_warn_rtol(Precision precision) {
  switch (precision) {
    case Precision::Default: return default_tolerance("bfloat16").rtol;
    case Precision::High: return default_tolerance("float16").rtol;
    case Precision::Highest: return std::nullopt;
  }
  return std::nullopt;
}

at::Tensor round_to_bfloat16(const at::Tensor& x) {
  if (x.scalar_type() == c10::kBFloat16 || !x.is_floating_point()) return x;
  return x.to(c10::kBFloat16).to(x.scalar_type());
}

at::Tensor flush_subnormals(const at::Tensor& x) {
  if (x.scalar_type() != c10::kFloat && x.scalar_type() != c10::kBFloat16) return x;
  const double tiny = std::numeric_limits<float>::min();  // bfloat16 shares float32's exponent range
  at::Tensor subnormal = x.abs().lt(tiny).logical_and(x.ne(0));
  if (!subnormal.any().item<bool>()) return x;
  return x.masked_fill(subnormal, 0.0);
}

EmulationResult run_emulated(const SampleCall& call, Precision precision) {
  FlushDenormalScope ftz;
  EmulationResult result;
  bool had_float64 = false;
  for (const SavedArg& arg : call.args)
    if (arg.value.isTensor() && arg.value.toTensor().scalar_type() == c10::kDouble) had_float64 = true;
  if (had_float64) result.notes.emplace_back("float64 computed in float32 (a TPU has no float64)");

  const MxuOp* mxu = find_mxu(call.op);
  if (!mxu) {
    ArgPolicy policy;
    policy.floats = FloatPolicy::NarrowFloat64;
    policy.tensor_hook = [](const at::Tensor& x, const std::string&) { return flush_subnormals(x); };
    result.returns = call_boxed(call, build_stack(call, policy));
  } else {
    const c10::ScalarType dtype = operand_dtype(call, *mxu);
    switch (precision) {
      case Precision::Default:
        result.returns = mxu_pass(call, *mxu, Part::Hi, Part::Hi, true);
        keep_linear_output(call, *mxu, result.returns);
        result.notes.emplace_back("MXU operands rounded to bfloat16 (DEFAULT precision, 1 pass)");
        break;
      case Precision::High: {
        std::vector<c10::IValue> small = add_returns(mxu_pass(call, *mxu, Part::Hi, Part::Lo, false),
                                                     mxu_pass(call, *mxu, Part::Lo, Part::Hi, false));
        result.returns = add_returns(small, mxu_pass(call, *mxu, Part::Hi, Part::Hi, true));
        keep_linear_output(call, *mxu, result.returns);
        result.notes.emplace_back("MXU bf16x3 (HIGH precision, 3 passes)");
        break;
      }
      case Precision::Highest:
        result.returns = mxu_pass(call, *mxu, Part::Whole, Part::Whole, true);
        result.notes.emplace_back("MXU in float32 (HIGHEST precision)");
        break;
    }
    cast_outputs(result.returns, dtype);
  }
  for (c10::IValue& value : result.returns)
    if (value.isTensor() && value.toTensor().defined()) value = flush_subnormals(value.toTensor());
  return result;
}

}  // namespace tpu::checker
