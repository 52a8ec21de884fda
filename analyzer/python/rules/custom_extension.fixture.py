from torch.utils import cpp_extension
from torch.utils.cpp_extension import BuildExtension, CUDAExtension, load, load_inline

ext = CUDAExtension(  # expect: TPU400
    name="fused_ops_cuda",
    sources=["csrc/ops.cpp", "csrc/ops_kernel.cu"],
)
cmdclass = {"build_ext": BuildExtension}  # BuildExtension also builds C++-only extensions
jit_ops = load(name="jit_ops", sources=["jit.cpp", "jit_kernel.cu"])  # expect: TPU402
inline_ops = load_inline(name="inline_ops", cpp_sources=[CPP], cuda_sources=[CUDA])  # expect: TPU402

# Negative cases: C++-only JIT builds run on the host.
cpu_ops = load(name="cpu_ops", sources=["cpu_only.cpp"])
cpu_inline = cpp_extension.load_inline(name="cpu_inline", cpp_sources=[CPP])
flags = ["-gencode=arch=compute_80,code=sm_80"]  # build strings count only in setup.py
