# Fixture for tests/opdb_python_map_test.cc: each call resolves to one known aten op through the
# op database's Python map (opdb/data/python_api.tsv). Not meant to run.
import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)          # aten::convolution
        self.norm = nn.LayerNorm(8)             # aten::native_layer_norm
        self.proj = nn.Linear(8, 8)             # aten::linear

    def forward(self, x, grid):
        y = torch.mm(x, x)                      # aten::mm
        y = F.softmax(y, dim=-1)                # aten::softmax.int
        idx = torch.nonzero(y)                  # aten::nonzero
        z = F.grid_sample(x, grid)              # aten::grid_sampler
        q, r = torch.linalg.qr(y)               # aten::linalg_qr
        spectrum = torch.fft.rfft(y)            # aten::fft_rfft
        vals, order = y.topk(3)                 # Tensor.topk -> aten::topk
        return y, idx, z, q, spectrum, vals
