import glob
import os
import subprocess

import torch
from torch.utils import cpp_extension
from torch.utils.cpp_extension import BuildExtension, CUDAExtension, load, load_inline  # expect: TPU400

ext = CUDAExtension(  # expect: TPU400
    name="fused_ops_cuda",
    sources=["csrc/ops.cpp", "csrc/ops_kernel.cu"],  # expect: TPU401
)
cmdclass = {"build_ext": BuildExtension}  # expect: TPU400
jit_ops = load(name="jit_ops", sources=["jit.cpp", "jit_kernel.cu"])  # expect: TPU402
inline_ops = load_inline(name="inline_ops", cpp_sources=[CPP], cuda_sources=[CUDA])  # expect: TPU402

sources = glob.glob(os.path.join(here, "csrc", "*.cu"))  # expect: TPU401
kernel_file = "csrc/fused_kernel.cu"  # expect: TPU401
extra = {"cxx": ["-O3"], "nvcc": [  # expect: TPU401
    "-O3",  # expect: TPU401
    "-lineinfo",  # expect: TPU401
]}
jit2 = load(name="jit2", sources=["a.cpp"], extra_cuda_cflags=["-O2", "--use_fast_math"])  # expect: TPU402 -- nvcc flags make it a CUDA build
if os.getenv("FORCE_CUDA", "0") == "1" or CUDA_HOME is not None:  # expect: TPU401
    macros = [("WITH_CUDA", None)]  # expect: TPU401
version = subprocess.check_output([CUDA_HOME + "/bin/nvcc", "-V"])  # expect: TPU401


class BuildWithNinja(BuildExtension):  # expect: TPU400
    pass


from . import _C  # expect: TPU403
from mypkg._C import deform_conv_forward  # expect: TPU403
out = _C.nms(boxes, scores, 0.5)  # expect: TPU403
ext_module = ext_loader.load_ext("_ext", ["nms", "roi_align"])  # expect: TPU403
dets = ext_module.nms(boxes, scores, iou_threshold=0.5)  # expect: TPU403
y = torch.ops.my_ops.fused_gelu(x)  # expect: TPU403

# Negative cases: C++-only JIT builds run on the host.
z = torch.ops.aten.add(x, y)
state = torch.load("ckpt.pt")
import torch._C
print("compile the .cu sources with nvcc first")
cpu_ops = load(name="cpu_ops", sources=["cpu_only.cpp"])
cpu_inline = cpp_extension.load_inline(name="cpu_inline", cpp_sources=[CPP])


# A JIT build loader (a file that uses cpp_extension): its nvcc flag lists count line by line,
# and a local helper around load() builds one CUDA extension at each call.
def load_fused_kernels(srcpath):
    cc_flag = []
    cc_flag.append("-gencode")  # expect: TPU401
    cc_flag.append("arch=compute_80,code=sm_80")  # expect: TPU401
    cc_flag.append("-O3")

    def _load_helper(name, sources, extra_cuda_flags):
        return cpp_extension.load(  # expect: TPU402
            name=name,
            sources=sources,
            extra_cflags=["-O3"],
            extra_cuda_cflags=["-O3", "--use_fast_math"] + extra_cuda_flags + cc_flag,  # expect: TPU401
        )

    softmax = _load_helper("softmax_ext", [srcpath / "softmax.cpp"], [])  # expect: TPU402
    devices = torch.cuda.device_count()  # expect: TPU110 -- a CUDA API use, not a build switch
    cpu_only = load_cpu_helper("cpu_ext", [srcpath / "cpu.cpp"])
    return softmax, cpu_only


def load_cpu_helper(name, sources):
    return cpp_extension.load(name=name, sources=sources, extra_cflags=["-O3"])
