import os

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch.nn.parallel import DistributedDataParallel as DDP

dist.init_process_group(backend="nccl")  # expect: TPU200, TPU207
dist.init_process_group("nccl", init_method="env://")  # expect: TPU200, TPU207
BACKEND = "nccl"  # expect: TPU200
dist.init_process_group(BACKEND)  # expect: TPU200, TPU207
group = dist.new_group(ranks=[0, 1], backend="nccl")  # expect: TPU200
model = DDP(model, device_ids=[local_rank], output_device=local_rank)  # expect: TPU201, TPU201, TPU207
local_rank = int(os.environ["LOCAL_RANK"])  # expect: TPU202
rank = int(os.environ.get("RANK", 0))  # reading RANK is no tie
world = int(os.getenv("WORLD_SIZE", "1"))
os.environ["MASTER_ADDR"] = "localhost"  # expect: TPU204
os.environ["NCCL_DEBUG"] = "INFO"  # expect: TPU205
parser.add_argument("--local_rank", type=int, default=0)  # expect: TPU202
mp.spawn(worker, args=(world,), nprocs=world)  # mp.spawn is no tie
dp = torch.nn.DataParallel(model)  # expect: TPU206

dist.init_process_group("gloo")  # expect: TPU207
wrapped = DDP(model, gradient_as_bucket_view=True)  # expect: TPU207
synced = torch.nn.SyncBatchNorm.convert_sync_batchnorm(model)  # expect: TPU207
dist.barrier(device_ids=[local_rank])  # expect: TPU207
if dist.get_backend() == "NCCL":  # expect: TPU200
    pass
backend = dist.Backend.NCCL  # expect: TPU200
config = {"dist_backend": "nccl"}  # expect: TPU200


def setup(args):
    parser.add_argument("--backend", default="nccl", help="nccl or gloo")  # expect: TPU200


import torch.distributed.launch  # expect: TPU203
from torch.distributed import run as torchrun  # expect: TPU203

# Negative cases
dist.init_process_group(backend="xla", init_method="xla://")
dist.barrier()
dist.destroy_process_group()
sampler = torch.utils.data.distributed.DistributedSampler(dataset)
logger.info("using nccl")
os.environ["MY_FLAG"] = "1"
dist.all_reduce(tensor)

# PyTorch's own NCCL variables (TORCH_NCCL_*), also as the keys of a dict of defaults, and
# names a loop reads from os.environ.
os.environ["TORCH_NCCL_DUMP_ON_TIMEOUT"] = "1"  # expect: TPU205
trace_file = os.environ.get("TORCH_NCCL_DEBUG_INFO_TEMP_FILE")  # expect: TPU205
recorder_defaults = {
    "TORCH_NCCL_TRACE_BUFFER_SIZE": "2000",  # expect: TPU205
    "TORCH_FR_DUMP_TEMP_FILE": "/tmp/fr",
}
for variable in ("LOCAL_RANK", "SLURM_LOCALID"):  # expect: TPU202
    if variable in os.environ:
        local_rank = int(os.environ[variable])
for variable in ("RANK", "WORLD_SIZE"):
    world = int(os.environ[variable])
nccl_label = "NCCL_debug level"
nccl_options = dist.ProcessGroupNCCL.Options(is_high_priority_stream=True)  # expect: TPU200
gloo_group = dist.new_group([0, 1], backend="gloo")
