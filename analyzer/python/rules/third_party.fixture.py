import apex  # expect: TPU500
import bitsandbytes as bnb  # expect: TPU500
import torch
import torch.nn.functional as F
import triton  # expect: TPU500
import triton.language as tl  # expect: TPU500
from apex.normalization import FusedLayerNorm  # expect: TPU500
from kernels.fused import fused_kernel

try:
    from flash_attn import flash_attn_func  # expect: TPU500 -- guarded: a warning
except ImportError:
    flash_attn_func = None

norm = FusedLayerNorm(512)  # expect: TPU501
opt = bnb.optim.Adam8bit(params, lr=1e-3)  # expect: TPU501
out = flash_attn_func(q, k, v, causal=True)  # expect: TPU501
torch.cuda.nvtx.range_push("forward")  # expect: TPU110
torch.cuda.nvtx.range_pop()  # expect: TPU110


@triton.jit  # expect: TPU502
def add_kernel(x_ptr, y_ptr, out_ptr, n, BLOCK: tl.constexpr):  # expect: TPU503
    pid = tl.program_id(axis=0)  # expect: TPU503
    offsets = pid * BLOCK + tl.arange(0, BLOCK)  # expect: TPU503
    mask = offsets < n
    x = tl.load(x_ptr + offsets, mask=mask)  # expect: TPU503
    y = tl.load(y_ptr + offsets, mask=mask)  # expect: TPU503
    tl.store(out_ptr + offsets, x + y, mask=mask)  # expect: TPU503


def add(x, y, out):
    n = x.numel()
    grid = (triton.cdiv(n, 1024),)  # expect: TPU501
    add_kernel[grid](x, y, out, n, BLOCK=1024)  # expect: TPU504
    fused_kernel[grid](x, y, out, n)  # expect: TPU504 -- a kernel imported from another module
    return out


@triton.jit  # expect: TPU502
def scale_kernel(x_ptr, n, SCALE: tl.constexpr):  # expect: TPU503
    offsets = tl.arange(0, 16)  # expect: TPU503
    x = tl.load(x_ptr + offsets).to(tl.float32)  # expect: TPU503
    y = x * SCALE
    tl.store(x_ptr + offsets, y)  # expect: TPU503


import nvtx  # expect: TPU505
with nvtx.annotate("forward"):  # expect: TPU505
    step()

# A torch-to-Triton dtype map outside any kernel goes with the kernels' port.
TORCH_TO_TRITON = {
    torch.float32: tl.float32,  # expect: TPU503
    torch.bfloat16: tl.bfloat16,  # expect: TPU503
}

# Compiled modules of CUDA-only projects, imported by bare name (flash-attention's csrc
# extensions), and causal-conv1d.
import xentropy_cuda_lib  # expect: TPU500
from causal_conv1d import causal_conv1d_fn  # expect: TPU500
losses, lse = xentropy_cuda_lib.forward(logits, labels, 0.0)  # expect: TPU501
conv = causal_conv1d_fn(x, weight, bias, activation="silu")  # expect: TPU501

# Negative cases
import rotary_embedding_torch
rotary = rotary_embedding_torch.RotaryEmbedding(dim=32)
TORCH_TO_NUMPY = {torch.float32: "float32", torch.bfloat16: "bfloat16"}
ln = torch.nn.LayerNorm(512)
attn = F.scaled_dot_product_attention(q, k, v, is_causal=True)
table = lookup[index](x)

# A bare module named like a compiled CUDA module (`*_cuda`, `*_cuda_lib`, `*_C`) that no list
# names, each call into it, and CUDA libraries read as values rather than called.
import scaled_softmax_cuda  # expect: TPU500
from apex import amp  # expect: TPU500
probs = scaled_softmax_cuda.forward(x, 1.0)  # expect: TPU501
has_state = "state_dict" in amp.__dict__  # expect: TPU501
adam_cls = getattr(bnb.optim, "Adam8bit")  # expect: TPU501
from kernels import attention_cuda
import softmax_cuda_helpers
import mypkg.ops_cuda
out = mypkg.ops_cuda.run(x)
import cupy as cp  # expect: TPU500


class Launcher:
    def load(self, source):
        self.kernel = cp.RawKernel(source, "copy")  # expect: TPU501

    def launch(self, args):
        self.kernel((75,), (1024,), args)  # expect: TPU501
        self.plain(args)
