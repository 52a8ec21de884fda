# SPDX-License-Identifier: Apache-2.0
"""torch.compile on the training model, guarded the way code that supports torch 1.x and 2.x
guards it; with torch 1.13 the eager model runs."""
import torch
import torch.nn as nn

model = nn.Sequential(nn.Linear(16, 32), nn.SiLU(), nn.Linear(32, 1)).cuda()
compiled = torch.compile(model) if hasattr(torch, "compile") else model
optimizer = torch.optim.AdamW(compiled.parameters(), lr=1e-3)
for step in range(3):
    x = torch.randn(32, 16, device="cuda")
    loss = (compiled(x) - x.sum(dim=1, keepdim=True)).pow(2).mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    print(f"step {step} loss {loss.item():.4f} compiled={compiled is not model}")
