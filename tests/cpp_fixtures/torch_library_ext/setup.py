from setuptools import setup
from torch.utils.cpp_extension import BuildExtension, CUDAExtension

setup(
    name="boxops",
    ext_modules=[CUDAExtension("boxops._C", ["csrc/ops.cpp", "csrc/cpu/nms_kernel.cpp",
                                             "csrc/cuda/nms_kernel.cu", "csrc/cuda/iou_kernel.cu"])],
    cmdclass={"build_ext": BuildExtension},
)
