import torch
import torch_tpu
import torch.distributed as dist
import torch_tpu.tpu  # expect: TPU105
from torch_tpu.tpu.custom_op.llama_mlp import LLamaMlpFunc  # expect: TPU105
from torch_tpu.utils import apply_module_patch  # expect: TPU105

# Sophgo's torch_tpu: its own modules, custom ops and the sccl process group.
out = LLamaMlpFunc.apply(x, w0, w1, w2)  # expect: TPU105
torch_tpu.tpu.OpTimer_reset()  # expect: TPU105
dist.init_process_group("sccl", rank=rank, world_size=world_size)  # expect: TPU105, TPU207
group = dist.new_group(ranks, backend="sccl")  # expect: TPU105

# Negative cases: Google's TorchTPU shares the module name, the device and torch.tpu.
device = torch.device("tpu")
x = torch.randn(3, 3).to("tpu:0")
count = torch.tpu.device_count()
legacy = torch_tpu.api.tpu_device()
torch_tpu._internal.execution_mode.enable_cpu_fallback = True
dist.init_process_group(backend="tpu_dist")
