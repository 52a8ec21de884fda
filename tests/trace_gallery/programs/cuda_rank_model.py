# SPDX-License-Identifier: Apache-2.0
"""A model moved with .cuda(rank) and tensors created on torch.device(f"cuda:{rank}"), the
rank read from LOCAL_RANK as launchers set it."""
import os

import torch
import torch.nn as nn

rank = int(os.environ.get("LOCAL_RANK", "0"))
device = torch.device(f"cuda:{rank}")
torch.cuda.set_device(device)
model = nn.GRU(input_size=6, hidden_size=12, batch_first=True).cuda(rank)
head = nn.Linear(12, 1).to(device)
sequence = torch.randn(3, 7, 6).cuda(rank)
output, hidden = model(sequence)
loss = head(output[:, -1]).mean()
loss.backward()
print(f"rank {rank} device {device} loss {loss.item():.4f} on {torch.cuda.get_device_name(rank)}")
