# SPDX-License-Identifier: Apache-2.0
"""Timing a training step with CUDA events, as benchmarking loops do: record, synchronize,
elapsed_time in milliseconds."""
import torch
import torch.nn as nn

model = nn.Sequential(nn.Linear(64, 64), nn.Tanh(), nn.Linear(64, 8)).cuda()
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
timings = []
for step in range(3):
    x = torch.randn(16, 64, device="cuda")
    start.record()
    loss = model(x).square().mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    end.record()
    torch.cuda.synchronize()
    timings.append(start.elapsed_time(end))
print(f"step times (ms): {[round(t, 3) for t in timings]}")
assert all(t >= 0 for t in timings)
