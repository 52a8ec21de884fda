// custom-extension (C++) fixture: pybind11 modules and functions, TORCH_LIBRARY op
// definitions and kernels registered per dispatch key.
#include <torch/extension.h>
#include <torch/library.h>

at::Tensor scale_cpu(const at::Tensor& x, double a);
at::Tensor scale_cuda(const at::Tensor& x, double a);
at::Tensor scale(const at::Tensor& x, double a) { return x.is_cuda() ? scale_cuda(x, a) : scale_cpu(x, a); }  // expect: TPU327
at::Tensor twice(const at::Tensor& x) { return x * 2; }

struct Counter {
  int value = 0;
  void add(int n) { value += n; }
};

PYBIND11_MODULE(TORCH_EXTENSION_NAME, m) {  // expect: TPU360
  m.def("scale", &scale, "x * a", py::arg("x"), py::arg("a") = 2.0);  // expect: TPU361
  m.def("twice", [](const at::Tensor& x) { return twice(x); });  // expect: TPU361
  m.def("scale_overloaded", py::overload_cast<const at::Tensor&, double>(&scale));  // expect: TPU361
  m.def(  // expect: TPU361
      "scale_wrapped",
      &scale, "the finding stands where the call starts");
  py::class_<Counter>(m, "Counter").def(py::init<>()).def("add", &Counter::add);
}

TORCH_LIBRARY(myops, m) {  // expect: TPU364
  m.def("myops::scale(Tensor x, float a) -> Tensor");  // expect: TPU362
  m.def("twice(Tensor x) -> Tensor", &twice);  // expect: TPU362
}

TORCH_LIBRARY_IMPL(myops, CPU, m) {
  m.impl("scale", TORCH_FN(scale_cpu));  // a CPU kernel: no CUDA tie
}

TORCH_LIBRARY_IMPL(myops, CUDA, m) {  // expect: TPU364
  m.impl(TORCH_SELECTIVE_NAME("myops::scale"), &scale_cuda);  // expect: TPU363
}

// torch's stable-ABI spelling of the same blocks.
STABLE_TORCH_LIBRARY_IMPL(myops, CUDA, m) {  // expect: TPU364
  m.impl("twice", TORCH_BOX(&scale_cuda));  // expect: TPU363
}
