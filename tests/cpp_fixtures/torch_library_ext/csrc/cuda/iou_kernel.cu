// CUDA-only kernel of boxops::box_iou (no CPU kernel was ever written).
#include <ATen/ATen.h>
#include <ATen/cuda/CUDAContext.h>
#include <torch/library.h>

namespace boxops {
namespace {

template <typename T>
__global__ void box_iou_kernel(const T* a, const T* b, T* out, int n, int m) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n * m) out[i] = a[i / m] * b[i % m];
}

at::Tensor box_iou_cuda(const at::Tensor& a, const at::Tensor& b) {
  int n = static_cast<int>(a.size(0)), m = static_cast<int>(b.size(0));
  auto out = at::empty({n, m}, a.options());
  AT_DISPATCH_FLOATING_TYPES(a.scalar_type(), "box_iou", [&] {
    box_iou_kernel<scalar_t><<<(n * m + 255) / 256, 256>>>(a.data_ptr<scalar_t>(), b.data_ptr<scalar_t>(),
                                                            out.data_ptr<scalar_t>(), n, m);
  });
  return out;
}

}  // namespace

TORCH_LIBRARY_IMPL(boxops, CUDA, m) {
  m.impl(TORCH_SELECTIVE_NAME("boxops::box_iou"), TORCH_FN(box_iou_cuda));
}

}  // namespace boxops
