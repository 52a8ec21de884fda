// Declarations shared by the pybind front-end and the CPU / CUDA implementations.
#pragma once

#include <ATen/ATen.h>

// CPU reference implementations (fused_ops_cpu.cpp).
at::Tensor rms_norm_cpu(const at::Tensor& x, const at::Tensor& weight, double eps);
at::Tensor sq_norm_cpu(const at::Tensor& x);

#ifdef WITH_CUDA
// CUDA kernels (fused_ops.cu).
at::Tensor rms_norm_cuda(const at::Tensor& x, const at::Tensor& weight, double eps);
at::Tensor sq_norm_cuda(const at::Tensor& x);

// cuBLAS / CUB helpers (linalg_ops.cu).
at::Tensor linear_cublas(const at::Tensor& x, const at::Tensor& weight);
at::Tensor sum_cub(const at::Tensor& x);
#endif
