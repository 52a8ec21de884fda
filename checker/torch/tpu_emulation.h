// SPDX-License-Identifier: Apache-2.0
// `--emulate tpu`: the op computed on the CPU with the arithmetic a TPU uses, so drift can be
// predicted before a team owns one (docs/check.md, "TPU emulation").
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "checker/engine.h"
#include "checker/torch/sample_call.h"

namespace tpu::checker {

struct EmulationResult {
  std::vector<c10::IValue> returns;
  std::vector<std::string> notes;  ///< what was emulated: "matmul operands rounded to bfloat16 (1 pass)"
};

/// Runs `call` as XLA on a TPU would: float64 computed in float32, subnormal inputs and outputs
/// flushed to zero, and for matmul and convolution ops the MXU's precision: DEFAULT rounds
/// float32 operands to bfloat16 (products exact, float32 accumulation), HIGH sums three bfloat16
/// passes (hi*hi + hi*lo + lo*hi with x = hi + lo), HIGHEST computes in float32. Throws what the
/// kernel throws, and NotReplayable.
EmulationResult run_emulated(const SampleCall& call, Precision precision);

/// Whether `op` runs on the matrix unit (matmul, convolution and their variants).
bool is_mxu_op(const std::string& op);

/// The warn band's relative tolerance of an MXU op on a target at `precision`: bfloat16's pass
/// rtol at DEFAULT (one bfloat16 pass), float16's at HIGH (bf16x3, about 14-16 bits), nothing
/// at HIGHEST (float32: the output dtype's own band stands).
std::optional<double> mxu_warn_rtol(Precision precision);

/// x rounded to bfloat16 (round to nearest even) and widened back to x's dtype.
at::Tensor round_to_bfloat16(const at::Tensor& x);

/// Subnormal float32/bfloat16 values replaced by zero of the same sign (the TPU flushes them).
at::Tensor flush_subnormals(const at::Tensor& x);

}  // namespace tpu::checker
