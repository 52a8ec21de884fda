// SPDX-License-Identifier: Apache-2.0
// Error metrics of one output against the float64 reference (docs/check.md, "Metrics"). Plain
// numbers in, plain numbers out: the libtorch side flattens tensors to doubles first, so this
// file (and its tests) need no libtorch.
#pragma once

#include <cstdint>
#include <span>

#include "checker/dtype_info.h"
#include "checker/tolerances.h"

namespace tpu::checker {

struct Metrics {
  uint64_t numel = 0;
  uint64_t nonfinite_mismatch = 0;  ///< nan/inf in one and not the same in the other
  uint64_t exact_mismatch = 0;      ///< integral and bool outputs: elements that differ
  double max_abs_err = 0;
  double max_rel_err = 0;   ///< over elements with |reference| >= the dtype's small-value bound
  double mean_rel_err = 0;  ///< idem
  double rmse = 0;          ///< root mean square of the error
  double nrmse = 0;         ///< ||c - r|| / ||r|| (1 when r is all zero and c is not)
  double cosine = 1;        ///< c.r / (|c||r|); 1 when both are zero, 0 when only one is
  double max_ulp = 0;       ///< |c - r| in units of the output dtype's spacing at r (at the
                            ///< small-value bound when |r| is below it)
  double mean_ulp = 0;
  double mismatch_pass = 0;  ///< fraction of elements outside the pass band
  double mismatch_warn = 0;  ///< fraction outside the warn band
  uint64_t worst_index = 0;  ///< flat index of the largest absolute error
};

/// Floating outputs (complex ones as interleaved real/imag pairs). `reference` is the float64
/// result; `candidate` the output under test, widened to double. Same length required.
Metrics compare_floating(std::span<const double> reference, std::span<const double> candidate,
                         const DTypeInfo& dtype, const Tolerance& tolerance);

/// Integral and bool outputs: equal or not, element by element (msprobe's binary consistency).
Metrics compare_exact(std::span<const int64_t> reference, std::span<const int64_t> candidate);

/// msprobe's small-value bound: relative errors are not taken below it (float32 and wider
/// 2^-14, float16 2^-11, bfloat16 2^-8).
double small_value_bound(const DTypeInfo& dtype);

}  // namespace tpu::checker
