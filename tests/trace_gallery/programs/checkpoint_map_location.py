# SPDX-License-Identifier: Apache-2.0
"""Checkpoint save and resume: torch.save of model, optimizer and scaler state, then
torch.load with map_location="cuda", a device-remapping dict and a storage lambda."""
import os
import sys
import tempfile

import torch
import torch.nn as nn

model = nn.Linear(6, 3).cuda()
optimizer = torch.optim.Adam(model.parameters())
model(torch.randn(2, 6, device="cuda")).sum().backward()
optimizer.step()
folder = tempfile.mkdtemp()
path = os.path.join(folder, "checkpoint.pt")
torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "step": 1}, path)

state = torch.load(path, map_location="cuda")
model.load_state_dict(state["model"])
optimizer.load_state_dict(state["optimizer"])
remapped = torch.load(path, map_location={"cuda:1": "cuda:0"})
by_lambda = torch.load(path, map_location=lambda storage, location: storage.cuda(0))
assert torch.equal(remapped["model"]["weight"], by_lambda["model"]["weight"])
print(f"resumed at step {state['step']}, weight {tuple(state['model']['weight'].shape)}")
os.remove(path)
os.rmdir(folder)
sys.exit(0)
