# SPDX-License-Identifier: Apache-2.0
"""A convolutional network in channels_last memory format under AMP, the layout CUDA tensor
cores prefer: model and inputs converted with memory_format=torch.channels_last."""
import torch
import torch.nn as nn

net = nn.Sequential(
    nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(inplace=True),
    nn.Conv2d(8, 8, 3, padding=1, bias=False), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 5),
).cuda().to(memory_format=torch.channels_last)
optimizer = torch.optim.SGD(net.parameters(), lr=0.05)
scaler = torch.cuda.amp.GradScaler()
for step in range(2):
    images = torch.randn(4, 3, 12, 12, device="cuda").contiguous(memory_format=torch.channels_last)
    labels = torch.randint(0, 5, (4,), device="cuda")
    with torch.cuda.amp.autocast():
        loss = nn.functional.cross_entropy(net(images), labels)
    optimizer.zero_grad()
    scaler.scale(loss).backward()
    scaler.step(optimizer)
    scaler.update()
    print(f"step {step} loss {loss.item():.4f}")
assert images.is_contiguous(memory_format=torch.channels_last)
