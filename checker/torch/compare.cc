// SPDX-License-Identifier: Apache-2.0
#include "checker/torch/compare.h"

#include <algorithm>
#include <sstream>

#include "checker/dtype_info.h"
#include "checker/torch/dtype_names.h"
#include "checker/verdict.h"

namespace tpu::checker {
namespace {

std::string shape_text(at::IntArrayRef sizes) {
  std::ostringstream out;
  out << "[";
  for (size_t i = 0; i < sizes.size(); ++i) out << (i ? "," : "") << sizes[i];
  out << "]";
  return out.str();
}

// Floating values widened to double (complex as interleaved real/imag).
std::vector<double> as_doubles(const at::Tensor& tensor) {
  at::Tensor t = tensor.detach().cpu();
  if (t.is_complex()) t = at::view_as_real(t.to(c10::kComplexDouble));
  t = t.to(c10::kDouble).contiguous();
  return std::vector<double>(t.data_ptr<double>(), t.data_ptr<double>() + t.numel());
}

std::vector<int64_t> as_integers(const at::Tensor& tensor) {
  at::Tensor t = tensor.detach().cpu().to(c10::kLong).contiguous();
  return std::vector<int64_t>(t.data_ptr<int64_t>(), t.data_ptr<int64_t>() + t.numel());
}

Metrics measure(const at::Tensor& reference, const at::Tensor& other, const DTypeInfo& dtype, const Tolerance& tolerance) {
  if (!dtype.floating) return compare_exact(as_integers(reference), as_integers(other));
  return compare_floating(as_doubles(reference), as_doubles(other), dtype, tolerance);
}

}  // namespace

const FlatValue* find_output(const std::vector<FlatValue>& values, const std::string& name) {
  for (const FlatValue& value : values)
    if (value.name == name) return &value;
  return nullptr;
}

OutputCheck compare_output(const FlatValue& reference, const FlatValue* candidate, const FlatValue* baseline,
                           const CompareSpec& spec) {
  OutputCheck out;
  out.name = reference.name;
  out.dtype = scalar_type_name(spec.expected);
  out.shape = reference.tensor.sizes().vec();
  out.tolerance = spec.tolerance;
  out.level = spec.level;
  std::optional<DTypeInfo> dtype = dtype_info(out.dtype);
  if (!dtype) dtype = dtype_info(reference.tensor.is_floating_point() ? "float32" : "int64");
  out.exact = !dtype->floating;

  if (!candidate) {
    out.structural_error = "the candidate returned no " + out.name;
  } else if (candidate->tensor.sizes() != reference.tensor.sizes()) {
    out.structural_error = "shape " + shape_text(candidate->tensor.sizes()) + " where the reference has " +
                           shape_text(reference.tensor.sizes());
  } else if (candidate->tensor.is_floating_point() != reference.tensor.is_floating_point() &&
             !(candidate->tensor.is_complex() || reference.tensor.is_complex())) {
    out.structural_error = "dtype " + scalar_type_name(candidate->tensor.scalar_type()) + " where " + out.dtype +
                           " was expected";
  } else {
    out.candidate = measure(reference.tensor, candidate->tensor, *dtype, spec.tolerance);
  }
  if (baseline && baseline->tensor.sizes() == reference.tensor.sizes() &&
      baseline->tensor.is_floating_point() == reference.tensor.is_floating_point())
    out.baseline = measure(reference.tensor, baseline->tensor, *dtype, spec.tolerance);
  for (const at::Tensor& run : spec.benchmarks) {
    if (run.sizes() != reference.tensor.sizes() || !run.is_floating_point() || out.exact) continue;
    Metrics m = measure(reference.tensor, run, *dtype, spec.tolerance);
    if (!out.benchmark) {
      out.benchmark = m;
    } else {  // the worst run: the benchmark is an upper estimate of the precision's drift
      out.benchmark->rmse = std::max(out.benchmark->rmse, m.rmse);
      out.benchmark->max_abs_err = std::max(out.benchmark->max_abs_err, m.max_abs_err);
    }
  }
  if (out.benchmark) out.benchmark_label = spec.benchmark_label;
  if (candidate && out.structural_error.empty() && !out.exact &&
      candidate->tensor.scalar_type() != spec.expected && candidate->tensor.is_floating_point())
    out.candidate_dtype = scalar_type_name(candidate->tensor.scalar_type());
  judge_output(out, spec.baseline_label);
  return out;
}

}  // namespace tpu::checker
