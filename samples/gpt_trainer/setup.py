"""Build the fused CUDA ops:  python setup.py build_ext --inplace

Produces the `fused_ops_cuda` module imported by ops.py. Requires nvcc and a
CUDA build of PyTorch.
"""
import os

from setuptools import setup
from torch.utils.cpp_extension import CUDA_HOME, BuildExtension, CUDAExtension

ROOT = os.path.dirname(os.path.abspath(__file__))
CSRC = os.path.join(ROOT, "csrc")

# Our cluster is A100 (sm_80); override e.g. TORCH_CUDA_ARCH_LIST="8.0;9.0" for H100.
os.environ.setdefault("TORCH_CUDA_ARCH_LIST", "8.0")
arch_list = os.environ["TORCH_CUDA_ARCH_LIST"]

nvcc_flags = [
    "-O3",
    "--use_fast_math",
    "-lineinfo",
    "-gencode=arch=compute_80,code=sm_80",
    "-U__CUDA_NO_HALF_OPERATORS__",
    "-U__CUDA_NO_HALF_CONVERSIONS__",
]
if "9.0" in arch_list:
    nvcc_flags.append("-gencode=arch=compute_90,code=sm_90")

cuda_home = CUDA_HOME or "/usr/local/cuda"

setup(
    name="gpt_trainer_ext",
    version="0.1.0",
    description="Fused CUDA kernels for the gpt_trainer example",
    ext_modules=[
        CUDAExtension(
            name="fused_ops_cuda",
            sources=[
                "csrc/fused_ops.cpp",
                "csrc/fused_ops_cpu.cpp",
                "csrc/fused_ops.cu",
                "csrc/linalg_ops.cu",
            ],
            include_dirs=[CSRC, os.path.join(cuda_home, "include")],
            library_dirs=[os.path.join(cuda_home, "lib64")],
            libraries=["cublas"],
            define_macros=[("WITH_CUDA", None)],
            extra_compile_args={"cxx": ["-O3", "-std=c++17"], "nvcc": nvcc_flags},
        )
    ],
    cmdclass={"build_ext": BuildExtension},
)
