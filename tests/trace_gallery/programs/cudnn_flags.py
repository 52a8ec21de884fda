# SPDX-License-Identifier: Apache-2.0
"""The torch.backends.cudnn / TF32 switches set at the top of training scripts, then a conv
step; under --cuda-as-cpu the flags are accepted and read back like on a GPU."""
import torch
import torch.nn as nn

torch.backends.cudnn.benchmark = True
torch.backends.cudnn.deterministic = False
torch.backends.cudnn.allow_tf32 = True
torch.backends.cuda.matmul.allow_tf32 = True
print(f"cudnn enabled={torch.backends.cudnn.enabled} benchmark={torch.backends.cudnn.benchmark}")
conv = nn.Conv1d(4, 6, 5).cuda()
signal = torch.randn(2, 4, 20, device="cuda", requires_grad=True)
conv(signal).relu().sum().backward()
print(f"grad norm {signal.grad.norm().item():.3f}")
