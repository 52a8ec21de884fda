# SPDX-License-Identifier: Apache-2.0
"""torch.autocast("cuda", dtype=torch.bfloat16): the bfloat16 AMP of Ampere-class training
scripts, no GradScaler. A small MLP block with a softmax head."""
import torch
import torch.nn as nn

block = nn.Sequential(nn.Linear(24, 48), nn.GELU(), nn.LayerNorm(48), nn.Linear(48, 6)).to("cuda")
optimizer = torch.optim.Adam(block.parameters(), lr=1e-3)
for step in range(2):
    features = torch.randn(16, 24, device="cuda")
    target = torch.randn(16, 6, device="cuda").softmax(dim=-1)
    with torch.autocast(device_type="cuda", dtype=torch.bfloat16):
        logits = block(features)
        probabilities = torch.softmax(logits, dim=-1)
        loss = torch.mean((probabilities - target) ** 2)
    loss.backward()
    optimizer.step()
    optimizer.zero_grad()
    print(f"step {step} logits {logits.dtype} probabilities {probabilities.dtype} loss {loss.item():.5f}")
assert logits.dtype == torch.bfloat16 and probabilities.dtype == torch.float32
