import torch
import torch.nn as nn
import torch.nn.functional as F

hist = torch.histc(x, bins=10)  # expect: TPU900
where = torch.searchsorted(edges, values)  # expect: TPU900
warped = F.grid_sample(img, grid, align_corners=False)  # expect: TPU900
bag = F.embedding_bag(ids, weight, offsets)  # expect: TPU900
sampled = torch.sparse.sampled_addmm(c, a, b)  # expect: TPU901

# Negative cases: lowered or decomposed ops, and Python methods that are not tensor ops.
y = torch.mm(a, b)
p = F.softmax(logits, dim=-1)
conv = nn.Conv2d(3, 16, kernel_size=3)
z = x.matmul(w).relu()
names.sort()
parts = line.split(",")
idx = torch.nonzero(mask)  # expect: TPU602 -- reported once, as a dynamic shape

# PyTorch/XLA's statuses: these ops fall back to the CPU there (op_coverage_torchtpu.fixture.py
# has TorchTPU's, the default target).
# fixture-target: xla
