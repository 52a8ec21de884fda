// Op schemas and the composite ones: box ops in the style of torchvision's csrc.
#include <ATen/ATen.h>
#include <ATen/core/dispatch/Dispatcher.h>
#include <torch/library.h>

namespace boxops {

// Area of each box: torch ops only, so it runs on any backend.
at::Tensor box_area(const at::Tensor& boxes) {
  return (boxes.select(1, 2) - boxes.select(1, 0)) * (boxes.select(1, 3) - boxes.select(1, 1));
}

// Autograd kernel of box_iou: redispatches below autograd (no backward formula here).
at::Tensor box_iou_autograd(const at::Tensor& a, const at::Tensor& b) {
  static auto op = c10::Dispatcher::singleton()
                       .findSchemaOrThrow("boxops::box_iou", "")
                       .typed<at::Tensor(const at::Tensor&, const at::Tensor&)>();
  at::AutoDispatchBelowADInplaceOrView guard;
  return op.call(a, b);
}

TORCH_LIBRARY(boxops, m) {
  m.def(TORCH_SELECTIVE_SCHEMA("boxops::nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor"));
  m.def(TORCH_SELECTIVE_SCHEMA("boxops::box_iou(Tensor a, Tensor b) -> Tensor"));
  m.def(TORCH_SELECTIVE_SCHEMA("boxops::box_area(Tensor boxes) -> Tensor"));
}

TORCH_LIBRARY_IMPL(boxops, CompositeImplicitAutograd, m) {
  m.impl(TORCH_SELECTIVE_NAME("boxops::box_area"), TORCH_FN(box_area));
}

TORCH_LIBRARY_IMPL(boxops, Autograd, m) {
  m.impl(TORCH_SELECTIVE_NAME("boxops::box_iou"), TORCH_FN(box_iou_autograd));
}

}  // namespace boxops
