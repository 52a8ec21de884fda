# SPDX-License-Identifier: Apache-2.0
"""DistributedDataParallel on one process with the NCCL backend, the way single-node training
scripts start when run without torchrun: env:// rendezvous, device_ids=[local_rank]."""
import os

import torch
import torch.distributed as dist
import torch.nn as nn
from torch.nn.parallel import DistributedDataParallel

os.environ.setdefault("MASTER_ADDR", "127.0.0.1")
os.environ.setdefault("MASTER_PORT", str(29500 + os.getpid() % 2000))
dist.init_process_group(backend="nccl", init_method="env://", world_size=1, rank=0)
local_rank = int(os.environ.get("LOCAL_RANK", 0))
torch.cuda.set_device(local_rank)
model = nn.Sequential(nn.Linear(12, 24), nn.ReLU(), nn.Linear(24, 2)).cuda(local_rank)
ddp = DistributedDataParallel(model, device_ids=[local_rank], output_device=local_rank)
optimizer = torch.optim.SGD(ddp.parameters(), lr=0.1)
for step in range(3):
    x = torch.randn(8, 12, device=f"cuda:{local_rank}")
    y = torch.randint(0, 2, (8,), device=f"cuda:{local_rank}")
    loss = nn.functional.cross_entropy(ddp(x), y)
    optimizer.zero_grad()
    loss.backward()  # gradients all-reduced by DDP's reducer
    optimizer.step()
    print(f"rank {dist.get_rank()} step {step} loss {loss.item():.4f}")
summed = torch.ones(2, device="cuda")
dist.all_reduce(summed)
assert summed.tolist() == [1.0, 1.0] and dist.get_backend() == "gloo"
dist.destroy_process_group()
