"""Python front-end for the compiled `fused_ops_cuda` extension (see csrc/, setup.py).

Every op has an eager PyTorch fallback so the trainer works without the extension.
Build it with `python setup.py build_ext --inplace`.
"""
import torch

try:
    import fused_ops_cuda
except ImportError:
    fused_ops_cuda = None


def has_extension():
    return fused_ops_cuda is not None


def rms_norm(x, weight, eps=1e-6):
    """y = x / rms(x) * weight over the last dim.

    The extension kernel has no backward, so it is only used for inference.
    """
    if fused_ops_cuda is not None and x.is_cuda and not torch.is_grad_enabled():
        return fused_ops_cuda.rms_norm(x.contiguous(), weight, eps)
    variance = x.float().pow(2).mean(dim=-1, keepdim=True)
    return (x.float() * torch.rsqrt(variance + eps)).to(x.dtype) * weight


def global_grad_norm(parameters):
    """L2 norm over all gradients, returned as a 0-dim tensor on the gradients' device."""
    grads = [p.grad.detach() for p in parameters if p.grad is not None]
    if not grads:
        return torch.zeros(())
    if fused_ops_cuda is not None and grads[0].is_cuda:
        # One fused kernel per tensor accumulating sum(g^2) with atomics.
        total = torch.stack([fused_ops_cuda.sq_norm(g.contiguous())[0].float() for g in grads]).sum()
    else:
        total = torch.stack([g.float().pow(2).sum() for g in grads]).sum()
    return total.sqrt()


def linear_fp32(x, weight, bias=None):
    """x @ weight.T (+ bias) through cuBLAS SGEMM, for fp32 inference paths."""
    if fused_ops_cuda is not None and x.is_cuda and x.dtype == torch.float32:
        out = fused_ops_cuda.linear_cublas(x.reshape(-1, x.shape[-1]).contiguous(), weight.contiguous())
        out = out.view(*x.shape[:-1], weight.shape[0])
        return out + bias if bias is not None else out
    return torch.nn.functional.linear(x, weight, bias)


def tensor_sum(x):
    """Device-wide sum via cub::DeviceReduce (fp32 CUDA tensors), else torch.sum."""
    if fused_ops_cuda is not None and x.is_cuda and x.dtype == torch.float32:
        return fused_ops_cuda.sum_cub(x)[0]
    return x.sum()
