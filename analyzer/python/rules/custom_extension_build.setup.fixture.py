# Analysed as setup.py: every CUDA-specific build argument is counted.
import os

from setuptools import setup
from torch.utils.cpp_extension import CUDA_HOME, BuildExtension, CppExtension, CUDAExtension  # expect: TPU401

os.environ.setdefault("TORCH_CUDA_ARCH_LIST", "8.0;9.0")  # expect: TPU401
nvcc_flags = [
    "-O3",
    "--use_fast_math",  # expect: TPU401
    "-gencode=arch=compute_80,code=sm_80",  # expect: TPU401
    "--expt-relaxed-constexpr",  # expect: TPU401
]

setup(
    name="fused_ops",
    ext_modules=[
        CUDAExtension(  # expect: TPU400
            "fused_ops_cuda",
            ["csrc/fused.cpp", "csrc/fused_kernel.cu"],  # expect: TPU401
            include_dirs=[os.path.join(CUDA_HOME, "include"), "/usr/local/cuda/include"],  # expect: TPU401
            libraries=["cublas", "m"],  # expect: TPU401
            extra_compile_args={"cxx": ["-O3"], "nvcc": nvcc_flags},  # expect: TPU401
        )
    ],
    cmdclass={"build_ext": BuildExtension},  # expect: TPU400
)


def get_extensions(with_cuda):
    # detectron2's pattern: the extension class chosen at run time, called through a local name.
    extension = CppExtension
    if with_cuda:
        extension = CUDAExtension  # expect: TPU400
    return [extension("pkg._C", ["csrc/vision.cpp"])]  # expect: TPU400


def cpu_only_extensions():
    build = CppExtension  # a C++-only build is no CUDA tie
    return [build("pkg._cpu", ["csrc/cpu.cpp"])]
