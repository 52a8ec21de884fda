import os

import torch
from torch import cuda

torch.cuda.synchronize()  # expect: TPU110
torch.cuda.manual_seed_all(0)  # expect: TPU110
cuda.manual_seed(1)  # expect: TPU110
if torch.cuda.is_available():  # expect: TPU110
    n = torch.cuda.device_count()  # expect: TPU110
torch.cuda.set_device(0)  # expect: TPU110
mem = torch.cuda.max_memory_allocated()  # expect: TPU110
torch.cuda.empty_cache()  # expect: TPU110
stream = torch.cuda.Stream()  # expect: TPU110
start = torch.cuda.Event(enable_timing=True)  # expect: TPU110
name = torch.cuda.get_device_name(0)  # expect: TPU110
os.environ["CUDA_VISIBLE_DEVICES"] = "0"  # expect: TPU111
blocking = os.environ.get("CUDA_LAUNCH_BLOCKING")  # expect: TPU111
alloc = os.getenv("PYTORCH_CUDA_ALLOC_CONF", "")  # expect: TPU111

start.synchronize()  # expect: TPU110 -- a CUDA event created here
stream.synchronize()  # expect: TPU110
with torch.cuda.stream(stream):  # expect: TPU110
    pass
ok = torch.cuda.is_available  # expect: TPU110 -- read, not called
version = torch.version.cuda  # expect: TPU110
activities = [torch.profiler.ProfilerActivity.CUDA]  # expect: TPU110
smi = subprocess.check_output(["nvidia-smi", "-L"])  # expect: TPU110
FloatTensor = torch.cuda.FloatTensor  # expect: TPU104 -- a legacy type is device placement


# Negative cases
os.environ["OMP_NUM_THREADS"] = "4"
available = torch.cuda  # an attribute, not a call
text = "torch.cuda.synchronize()"
print("nvidia-smi shows the GPUs")
home = os.environ.get("CUDA_HOME")  # expect: TPU401 -- the toolkit path belongs to the build
# torch.cuda.synchronize()


# A stream or event a parameter's annotation declares, and the CUDA stream protocol.
def record_after(work, event: torch.cuda.Event, stream, other: Timer):  # expect: TPU110
    _, pointer = stream.__cuda_stream__()  # expect: TPU110
    event.record(stream=stream)  # expect: TPU110
    other.record(stream)
    return work


def record_plain(event):
    event.record()
