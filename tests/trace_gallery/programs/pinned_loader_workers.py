# SPDX-License-Identifier: Apache-2.0
"""A DataLoader with worker processes and pin_memory=True feeding a CUDA model with
non_blocking copies: the input pipeline of most training scripts."""
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset


class NoisyLines(Dataset):
    def __len__(self):
        return 32

    def __getitem__(self, index):
        x = torch.linspace(0, 1, 8) * index
        return x, x.sum() + torch.randn(()) * 0.01


if __name__ == "__main__":
    loader = DataLoader(NoisyLines(), batch_size=8, shuffle=True, num_workers=2, pin_memory=True,
                        persistent_workers=False)
    model = nn.Linear(8, 1).cuda()
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-4)
    for x, y in loader:
        x, y = x.cuda(non_blocking=True), y.cuda(non_blocking=True)
        loss = (model(x).squeeze(1) - y).pow(2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    print(f"last loss {loss.item():.3f} pinned={x.is_pinned()}")
