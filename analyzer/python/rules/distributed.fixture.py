import os

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch.nn.parallel import DistributedDataParallel as DDP

dist.init_process_group(backend="nccl")  # expect: TPU200
dist.init_process_group("nccl", init_method="env://")  # expect: TPU200
BACKEND = "nccl"
dist.init_process_group(BACKEND)  # expect: TPU200
group = dist.new_group(ranks=[0, 1], backend="nccl")  # expect: TPU200
model = DDP(model, device_ids=[local_rank], output_device=local_rank)  # expect: TPU201, TPU201
local_rank = int(os.environ["LOCAL_RANK"])  # expect: TPU202
rank = int(os.environ.get("RANK", 0))  # expect: TPU204
world = int(os.getenv("WORLD_SIZE", "1"))  # expect: TPU204
os.environ["NCCL_DEBUG"] = "INFO"  # expect: TPU205
parser.add_argument("--local_rank", type=int, default=0)  # expect: TPU202
mp.spawn(worker, args=(world,), nprocs=world)  # expect: TPU203
dp = torch.nn.DataParallel(model)  # expect: TPU206

# Negative cases
dist.init_process_group("gloo")
dist.init_process_group(backend="xla", init_method="xla://")
model = DDP(model, gradient_as_bucket_view=True)
os.environ["MY_FLAG"] = "1"
dist.all_reduce(tensor)
