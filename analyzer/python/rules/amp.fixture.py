import torch
from torch.cuda.amp import GradScaler, autocast  # expect: TPU122

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


@torch.cuda.amp.custom_fwd  # expect: TPU122
def forward(ctx, x):
    return x


@torch.amp.custom_bwd(device_type="cuda")  # expect: TPU122
def backward(ctx, grad):
    return grad


def train_step(model, optimizer, loss, device):
    from torch.cuda.amp import GradScaler as LocalScaler  # expect: TPU122
    device_type = "cuda" if "cuda" in device else "cpu"  # expect: TPU102
    with torch.autocast(device_type=device_type, dtype=torch.float16):  # expect: TPU120
        out = model(x)
    scaler.scale(loss).backward()  # expect: TPU122
    scaler.unscale_(optimizer)  # expect: TPU122
    scaler.step(optimizer)  # expect: TPU122
    scaler.update()  # expect: TPU122
    self.scaler.step(optimizer)  # expect: TPU122
    gs = torch.distributed.fsdp.ShardedGradScaler()  # expect: TPU121
    gs.update()  # expect: TPU122
    if torch.is_autocast_enabled():  # expect: TPU122
        dtype = torch.get_autocast_gpu_dtype()  # expect: TPU122
    optimizer.step()  # an optimizer is no scaler
    feature_scaler.fit_transform(data)  # not a GradScaler method


# custom_fwd/custom_bwd passed on as values: each is the CUDA-typed decorator, wrapped.
import functools
from torch.amp import custom_fwd  # expect: TPU122
amp_fwd = functools.partial(torch.amp.custom_fwd, device_type=device)  # expect: TPU122
custom_fwd = custom_amp_decorator(custom_fwd, True)  # expect: TPU122

# Negative cases
my_fwd = functools.partial(my_ops.custom_fwd, device_type=device)
wrapped = decorate(local_custom_bwd)
with torch.autocast("cpu", dtype=torch.bfloat16):
    out = model(x)
with torch.autocast("xla", dtype=torch.bfloat16):
    out = model(x)
cpu_scaler = torch.amp.GradScaler("cpu")
cpu_type = "cpu"
with torch.autocast(device_type=cpu_type, dtype=torch.bfloat16):
    out = model(x)
try:
    from torch.cuda.amp import autocast as guarded_autocast  # expect: TPU122
except ImportError:
    pass

# functools.partial of autocast builds the same context; a partial of anything else is no tie.
from functools import partial
half_autocast = partial(torch.amp.autocast, device_type="cuda", dtype=torch.float16)  # expect: TPU120


def get_autocast(device_type="cuda"):  # expect: TPU102 -- a CUDA default, where it is chosen
    return partial(torch.autocast, device_type=device_type, dtype=torch.bfloat16)  # expect: TPU120


cpu_autocast = partial(torch.autocast, device_type="cpu", dtype=torch.bfloat16)
quiet_print = partial(print, end="")


def train_one_epoch(model, batch, optimizer, loss_scaler=None, feature_scaler=None):
    loss = model(batch)
    if loss_scaler is not None:
        loss_scaler(loss, optimizer, clip_grad=1.0)  # expect: TPU122
    features = feature_scaler(batch)
    return loss
