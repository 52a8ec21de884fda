# SPDX-License-Identifier: Apache-2.0
"""AMP float16 with a GradScaler on a small conv + BatchNorm + self-attention classifier,
including a deliberately overflowing step: the scaler must skip it and back off as on a GPU."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class ConvAttentionNet(nn.Module):
    def __init__(self, channels=16, classes=10):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, channels, 3, padding=1), nn.BatchNorm2d(channels), nn.ReLU())
        self.attention = nn.MultiheadAttention(channels, num_heads=2, batch_first=True)
        self.norm = nn.LayerNorm(channels)
        self.classify = nn.Linear(channels, classes)

    def forward(self, images):
        x = self.stem(images)                      # (B, C, H, W)
        x = F.max_pool2d(x, 2).flatten(2).transpose(1, 2)  # (B, HW, C)
        attended, _ = self.attention(x, x, x, need_weights=False)
        x = self.norm(x + attended)
        return self.classify(x.mean(dim=1))


model = ConvAttentionNet().cuda()
optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
scaler = torch.cuda.amp.GradScaler(init_scale=2.0 ** 16)
for step in range(3):
    images = torch.randn(4, 3, 8, 8).cuda(non_blocking=True)
    labels = torch.randint(0, 10, (4,)).cuda()
    with torch.cuda.amp.autocast():
        loss = F.cross_entropy(model(images), labels)
    if step == 1:
        loss = loss * 1e10  # the scaled gradients overflow float16: a skipped step
    scaler.scale(loss).backward()
    scale_before = scaler.get_scale()
    scaler.unscale_(optimizer)  # clip the true gradients, not the scaled ones
    torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
    scaler.step(optimizer)
    scaler.update()
    optimizer.zero_grad()
    print(f"step {step} scale {scale_before:.0f} -> {scaler.get_scale():.0f}")
    if step == 1:
        assert scaler.get_scale() == scale_before / 2, "an overflowing step must halve the scale"
