# SPDX-License-Identifier: Apache-2.0
"""Reproducibility set-up: torch.manual_seed plus torch.cuda.manual_seed_all, and the CUDA RNG
state saved and restored around a dropout forward."""
import random

import torch
import torch.nn as nn


def seed_everything(seed):
    random.seed(seed)
    torch.manual_seed(seed)
    torch.cuda.manual_seed(seed)
    torch.cuda.manual_seed_all(seed)


def run_once():
    seed_everything(1234)
    model = nn.Sequential(nn.Linear(10, 10), nn.Dropout(0.5), nn.Linear(10, 1)).cuda()
    return model(torch.randn(4, 10, device="cuda")).sum().item()


first, second = run_once(), run_once()
state = torch.cuda.get_rng_state()
torch.cuda.set_rng_state(state)
print(f"runs {first:.6f} {second:.6f}")
assert first == second, "seeded runs must match"
