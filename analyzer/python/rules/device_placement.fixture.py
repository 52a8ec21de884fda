import argparse

import torch
import torch as T

# Positive cases
model = build_model().cuda()  # expect: TPU101
x = batch.cuda(non_blocking=True)  # expect: TPU101, TPU801
y = torch.zeros(8, device="cuda")  # expect: TPU102
z = T.ones(2, device="cuda:1")  # expect: TPU102
dev = torch.device("cuda")  # expect: TPU102
ranked = torch.device(f"cuda:{rank}")  # expect: TPU102
indexed = torch.device("cuda", local_rank)  # expect: TPU102
moved = x.to("cuda:0")  # expect: TPU102
state = torch.load("ckpt.pt", map_location="cuda")  # expect: TPU102
DEVICE = "cuda"  # expect: TPU102
preferred = "cuda" if torch.cuda.is_available() else "cpu"  # expect: TPU102, TPU110
model.to(DEVICE)  # reported where DEVICE chose CUDA, not at each use
model.to(preferred)
w = torch.randn(4, device=DEVICE)

parser = argparse.ArgumentParser()
parser.add_argument("--device", default="cuda")  # expect: TPU102
args = parser.parse_args()
model.to(args.device)


def train(net, device="cuda"):  # expect: TPU102
    net.to(device)


class Trainer:
    def __init__(self):
        self.device = "cuda:0"  # expect: TPU102

    def step(self, batch):
        return batch.to(self.device)


def checks(x, device, rank, cfg):
    if x.is_cuda:  # expect: TPU104
        pass
    if device.type == "cuda":  # expect: TPU104
        pass
    on_gpu = "cuda" in str(device)  # expect: TPU104
    legacy = isinstance(x, torch.cuda.FloatTensor)  # expect: TPU104
    name = f"cuda:{rank}"  # expect: TPU102
    cfg.update({"device": "cuda"})  # expect: TPU102
    parser.add_argument("--accelerator", choices=["cpu", "cuda"])  # expect: TPU102
    return "cuda:0"  # expect: TPU102


# Negative cases: none of these is a CUDA placement.
def quiet(x, device, args):
    if device.type == "xla":
        pass
    use_cuda = args.cuda  # a name that merely contains cuda
    parser.add_argument("--cuda_ext", action="store_true", help="build for cuda")
    warnings.warn("falling back from cuda")
    raise ValueError("cuda")
    return x.is_xla

# model.cuda() in a comment, and "cuda" in a comment
"""A docstring that says .cuda() and "cuda" is text."""
print("moving to cuda")
logger.info("using device cuda:0")
has_cuda = hasattr(torch, "cuda")
backend = torch.cuda
cpu_model = model.to("cpu")
dev2 = torch.device("cpu")
xla = torch.device("xla")


def cuda():
    return None


cuda()
local_device = "cpu"
model.to(local_device)
device_name = getattr(args, "device", "cuda")  # expect: TPU102 -- getattr's default is a device
backend_module = getattr(torch, "cuda")
