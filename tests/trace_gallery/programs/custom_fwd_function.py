# SPDX-License-Identifier: Apache-2.0
"""Custom autograd functions with torch.cuda.amp.custom_fwd / custom_bwd: one forces float32
(cast_inputs), one runs in the region's dtype; both used inside an autocast region."""
import torch
from torch.cuda.amp import custom_bwd, custom_fwd


class StableSquaredNorm(torch.autograd.Function):
    @staticmethod
    @custom_fwd(cast_inputs=torch.float32)
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return (x * x).sum(dim=-1)  # float32 inside, whatever the region's dtype

    @staticmethod
    @custom_bwd
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return 2 * x * grad.unsqueeze(-1)


class ScaledMatmul(torch.autograd.Function):
    @staticmethod
    @custom_fwd
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return torch.mm(a, b) * 0.5  # mm: float16 under the region's autocast

    @staticmethod
    @custom_bwd
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return torch.mm(grad, b.t()) * 0.5, torch.mm(a.t(), grad) * 0.5


a = torch.randn(6, 4, device="cuda", requires_grad=True)
b = torch.randn(4, 5, device="cuda", requires_grad=True)
with torch.cuda.amp.autocast():
    product = ScaledMatmul.apply(a, b)
    norms = StableSquaredNorm.apply(product)
loss = norms.mean()
loss.backward()
print(product.dtype, norms.dtype, a.grad.dtype, b.grad.dtype)
assert product.dtype == torch.float16 and norms.dtype == torch.float32
assert a.grad.dtype == torch.float32 and b.grad.dtype == torch.float32
