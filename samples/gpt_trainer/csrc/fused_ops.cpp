// Python bindings for the fused ops; dispatches to the CUDA or CPU implementation.
#include <torch/extension.h>

#include "fused_ops.h"

namespace {

torch::Tensor rms_norm(const torch::Tensor& x, const torch::Tensor& weight, double eps) {
  TORCH_CHECK(x.size(-1) == weight.numel(), "rms_norm: weight must match the last dim of x");
  TORCH_CHECK(x.device() == weight.device(), "rms_norm: x and weight must be on the same device");
  if (x.is_cuda()) {
#ifdef WITH_CUDA
    return rms_norm_cuda(x.contiguous(), weight, eps);
#else
    TORCH_CHECK(false, "fused_ops was built without CUDA support");
#endif
  }
  return rms_norm_cpu(x, weight, eps);
}

torch::Tensor sq_norm(const torch::Tensor& x) {
  if (x.is_cuda()) {
#ifdef WITH_CUDA
    return sq_norm_cuda(x);
#else
    TORCH_CHECK(false, "fused_ops was built without CUDA support");
#endif
  }
  return sq_norm_cpu(x);
}

}  // namespace

PYBIND11_MODULE(TORCH_EXTENSION_NAME, m) {
  m.doc() = "Fused kernels for gpt_trainer (RMSNorm, grad-norm reduction, cuBLAS/CUB helpers)";
  m.def("rms_norm", &rms_norm, "RMSNorm over the last dimension",
        py::arg("x"), py::arg("weight"), py::arg("eps") = 1e-6);
  m.def("sq_norm", &sq_norm, "Sum of squares of all elements, as a 1-element tensor", py::arg("x"));
#ifdef WITH_CUDA
  m.def("linear_cublas", &linear_cublas, "fp32 x @ weight.T via cublasSgemm",
        py::arg("x"), py::arg("weight"));
  m.def("sum_cub", &sum_cub, "Sum of a fp32 CUDA tensor via cub::DeviceReduce", py::arg("x"));
#endif
}
