import torch
import torch.nn.functional as F

# TorchTPU, the default target: an op with no TorchTPU kernel raises unless the program enables
# the CPU fallback (TPU901), where PyTorch/XLA lowers it or runs it on the CPU (TPU900 there).
act = F.mish(h)  # expect: TPU901 -- PyTorch/XLA lowers it
lse = torch.logaddexp(a, b)  # expect: TPU901 -- PyTorch/XLA runs it on the CPU
total = torch.nansum(x)  # expect: TPU901
sampled = torch.sparse.sampled_addmm(c, a, b)  # expect: TPU901 -- sparse: raises on both

# Negative cases: TorchTPU has kernels for these, which fall back to the CPU on PyTorch/XLA.
hist = torch.histc(x, bins=10)
where = torch.searchsorted(edges, values)
bag = F.embedding_bag(ids, weight, offsets)
y = torch.mm(a, b)
