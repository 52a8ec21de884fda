// CPU reference implementations of the fused ops; used for CPU tensors and in tests.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <cmath>

#include "fused_ops.h"

at::Tensor rms_norm_cpu(const at::Tensor& x, const at::Tensor& weight, double eps) {
  auto input = x.contiguous();
  auto w = weight.contiguous();
  auto out = at::empty_like(input);
  const int64_t hidden = input.size(-1);
  const int64_t rows = input.numel() / hidden;

  AT_DISPATCH_FLOATING_TYPES(input.scalar_type(), "rms_norm_cpu", [&] {
    const scalar_t* x_ptr = input.data_ptr<scalar_t>();
    const scalar_t* w_ptr = w.data_ptr<scalar_t>();
    scalar_t* out_ptr = out.data_ptr<scalar_t>();
    at::parallel_for(0, rows, /*grain_size=*/16, [&](int64_t begin, int64_t end) {
      for (int64_t row = begin; row < end; ++row) {
        const scalar_t* x_row = x_ptr + row * hidden;
        scalar_t* out_row = out_ptr + row * hidden;
        double sum_sq = 0.0;
        for (int64_t i = 0; i < hidden; ++i) {
          sum_sq += static_cast<double>(x_row[i]) * static_cast<double>(x_row[i]);
        }
        const double inv_rms = 1.0 / std::sqrt(sum_sq / static_cast<double>(hidden) + eps);
        for (int64_t i = 0; i < hidden; ++i) {
          out_row[i] = static_cast<scalar_t>(static_cast<double>(x_row[i]) * inv_rms * w_ptr[i]);
        }
      }
    });
  });
  return out;
}

at::Tensor sq_norm_cpu(const at::Tensor& x) {
  auto input = x.contiguous();
  auto out = at::zeros({1}, input.options());
  AT_DISPATCH_FLOATING_TYPES(input.scalar_type(), "sq_norm_cpu", [&] {
    const scalar_t* ptr = input.data_ptr<scalar_t>();
    double acc = 0.0;
    for (int64_t i = 0; i < input.numel(); ++i) {
      acc += static_cast<double>(ptr[i]) * static_cast<double>(ptr[i]);
    }
    out.fill_(acc);
  });
  return out;
}
