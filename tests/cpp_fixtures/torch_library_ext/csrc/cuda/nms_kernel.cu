// CUDA kernel of boxops::nms: one thread per box pair block.
#include <ATen/ATen.h>
#include <ATen/cuda/CUDAContext.h>
#include <torch/library.h>

namespace boxops {
namespace {

__global__ void nms_mask_kernel(int n, float threshold, const float* boxes, unsigned long long* mask) {
  int row = blockIdx.y, col = blockIdx.x;
  int i = threadIdx.x;
  if (row * 64 + i < n && col * 64 < n) mask[row * 64 + i] = boxes[col] > threshold;
}

at::Tensor nms_kernel(const at::Tensor& dets, const at::Tensor& scores, double iou_threshold) {
  int n = static_cast<int>(dets.size(0));
  auto mask = at::empty({n}, dets.options().dtype(at::kLong));
  dim3 blocks((n + 63) / 64, (n + 63) / 64);
  nms_mask_kernel<<<blocks, 64, 0, at::cuda::getCurrentCUDAStream()>>>(
      n, static_cast<float>(iou_threshold), dets.data_ptr<float>(),
      reinterpret_cast<unsigned long long*>(mask.data_ptr<int64_t>()));
  (void)scores;
  return mask;
}

}  // namespace

TORCH_LIBRARY_IMPL(boxops, CUDA, m) {
  m.impl(TORCH_SELECTIVE_NAME("boxops::nms"), TORCH_FN(nms_kernel));
}

}  // namespace boxops
