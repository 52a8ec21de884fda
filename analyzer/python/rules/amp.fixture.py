import torch
from torch.cuda.amp import GradScaler, autocast

with torch.cuda.amp.autocast():  # expect: TPU120
    out = model(x)
with autocast(dtype=torch.float16):  # expect: TPU120
    out = model(x)
with torch.autocast("cuda", dtype=torch.float16):  # expect: TPU120
    out = model(x)
with torch.autocast(device_type="cuda"):  # expect: TPU120
    out = model(x)
scaler = torch.cuda.amp.GradScaler()  # expect: TPU121
scaler2 = GradScaler(enabled=True)  # expect: TPU121
scaler3 = torch.amp.GradScaler("cuda")  # expect: TPU121


@torch.cuda.amp.custom_fwd  # a decorator used without a call is not an autocast region
def forward(ctx, x):
    return x


# Negative cases
with torch.autocast("cpu", dtype=torch.bfloat16):
    out = model(x)
with torch.autocast("xla", dtype=torch.bfloat16):
    out = model(x)
cpu_scaler = torch.amp.GradScaler("cpu")
