// SPDX-License-Identifier: Apache-2.0
#include "checker/metrics.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace tpu::checker {

double small_value_bound(const DTypeInfo& dtype) {
  if (dtype.name == "bfloat16") return std::ldexp(1.0, -8);
  if (dtype.name == "float16" || dtype.name == "complex32") return std::ldexp(1.0, -11);
  return std::ldexp(1.0, -14);
}

Metrics compare_floating(std::span<const double> reference, std::span<const double> candidate,
                         const DTypeInfo& dtype, const Tolerance& tolerance) {
  assert(reference.size() == candidate.size());
  Metrics m;
  m.numel = reference.size();
  if (reference.empty()) return m;

  // The warn band judges near-zero elements against the tensor's scale, the RMS of its nonzero
  // elements: a matmul's rounding error is proportional to the size of its terms, not to a
  // result that cancelled; exact zeros (an embedding gradient's unused rows) are left out so
  // that they do not shrink the scale.
  double sum_sq_ref = 0;
  uint64_t nonzero = 0;
  for (double r : reference)
    if (std::isfinite(r) && r != 0) {
      sum_sq_ref += r * r;
      ++nonzero;
    }
  const double rms_ref = nonzero ? std::sqrt(sum_sq_ref / static_cast<double>(nonzero)) : 0.0;
  const double small = small_value_bound(dtype);

  double sum_sq_err = 0, dot = 0, sum_sq_cand = 0, sum_rel = 0, sum_ulp = 0;
  uint64_t finite = 0, rel_count = 0, outside_pass = 0, outside_warn = 0;
  for (size_t i = 0; i < reference.size(); ++i) {
    const double r = reference[i], c = candidate[i];
    if (!std::isfinite(r) || !std::isfinite(c)) {
      bool same = (std::isnan(r) && std::isnan(c)) || r == c;  // equal infinities
      if (!same) {
        ++m.nonfinite_mismatch;
        ++outside_pass;
        ++outside_warn;
      }
      continue;
    }
    ++finite;
    const double err = std::fabs(c - r);
    if (err > m.max_abs_err) {
      m.max_abs_err = err;
      m.worst_index = i;
    }
    sum_sq_err += err * err;
    dot += r * c;
    sum_sq_cand += c * c;
    if (std::fabs(r) >= small) {
      const double rel = err / std::fabs(r);
      m.max_rel_err = std::max(m.max_rel_err, rel);
      sum_rel += rel;
      ++rel_count;
    }
    // Below the small-value bound the spacing is taken at the bound: a result that cancelled
    // to nearly zero would otherwise count its rounding noise in billions of ULPs.
    const double ulps = err / ulp_at(std::max(std::fabs(r), small), dtype);
    m.max_ulp = std::max(m.max_ulp, ulps);
    sum_ulp += ulps;
    if (err > tolerance.atol + tolerance.rtol * std::fabs(r)) ++outside_pass;
    if (err > tolerance.warn_atol + tolerance.warn_rtol * std::max(std::fabs(r), rms_ref)) ++outside_warn;
  }
  const double n = static_cast<double>(m.numel);
  m.mismatch_pass = static_cast<double>(outside_pass) / n;
  m.mismatch_warn = static_cast<double>(outside_warn) / n;
  if (finite) {
    m.rmse = std::sqrt(sum_sq_err / static_cast<double>(finite));
    m.mean_ulp = sum_ulp / static_cast<double>(finite);
  }
  if (rel_count) m.mean_rel_err = sum_rel / static_cast<double>(rel_count);
  const double norm_ref = std::sqrt(sum_sq_ref), norm_cand = std::sqrt(sum_sq_cand);
  if (norm_ref == 0 && norm_cand == 0) m.cosine = 1;
  else if (norm_ref == 0 || norm_cand == 0) m.cosine = 0;
  else m.cosine = std::clamp(dot / (norm_ref * norm_cand), -1.0, 1.0);
  m.nrmse = norm_ref > 0 ? std::sqrt(sum_sq_err) / norm_ref : (sum_sq_err > 0 ? 1.0 : 0.0);
  return m;
}

Metrics compare_exact(std::span<const int64_t> reference, std::span<const int64_t> candidate) {
  assert(reference.size() == candidate.size());
  Metrics m;
  m.numel = reference.size();
  bool first = true;
  double sum_sq = 0;
  for (size_t i = 0; i < reference.size(); ++i) {
    if (reference[i] == candidate[i]) continue;
    ++m.exact_mismatch;
    const double err = std::fabs(static_cast<double>(candidate[i]) - static_cast<double>(reference[i]));
    sum_sq += err * err;
    if (first || err > m.max_abs_err) {
      m.max_abs_err = err;
      m.worst_index = i;
      first = false;
    }
  }
  if (m.numel) {
    m.mismatch_pass = m.mismatch_warn = static_cast<double>(m.exact_mismatch) / static_cast<double>(m.numel);
    m.rmse = std::sqrt(sum_sq / static_cast<double>(m.numel));
  }
  m.nrmse = m.exact_mismatch ? m.mismatch_pass : 0;
  m.cosine = std::nan("");  // not meaningful for labels and indices (null in JSON)
  return m;
}

}  // namespace tpu::checker
