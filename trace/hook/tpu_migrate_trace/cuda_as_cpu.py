# SPDX-License-Identifier: Apache-2.0
"""`--cuda-as-cpu`: lets a CUDA-centric program run (and be traced) on a machine with no GPU.

The program keeps believing it has one GPU: torch.cuda.is_available() is True and
torch.device("cuda") stays a CUDA *device object*, so the program takes its CUDA code paths
(prefetchers, events, AMP). What changes is where memory lands: every entry point that puts a
tensor on a device (factories' device=, Tensor.to/.cuda/new_*, torch.load, set_default_device)
maps CUDA to the CPU. Tensors therefore report device 'cpu' and is_cuda False, so code that
branches on a *tensor's* device takes its CPU path. CUDA autocast casts as on CUDA
(cuda_autocast.py, low_precision.py), GradScaler scales as on CUDA (grad_scaler.py), NCCL
becomes gloo, streams and events are no-ops (events still time on the host clock).

Known gaps (docs/trace-format.md): CUDA graphs, torch.cuda.FloatTensor-style legacy types;
`.cuda()` returns the tensor itself, not a copy. CUDA-only code (extension ops, Triton kernels)
fails as on any CPU and is named in the trace (cuda_only.py)."""
import contextlib
import functools
import os
import time
import types

from . import cuda_autocast, grad_scaler

_FACTORIES = (
    "tensor", "as_tensor", "asarray", "scalar_tensor", "zeros", "ones", "empty", "full",
    "zeros_like", "ones_like", "empty_like", "full_like", "rand", "randn", "randint", "randperm",
    "rand_like", "randn_like", "randint_like", "arange", "range", "linspace", "logspace", "eye",
    "empty_strided", "normal", "tril_indices", "triu_indices", "sparse_coo_tensor",
    "sparse_csr_tensor", "bartlett_window", "blackman_window", "hamming_window", "hann_window",
    "kaiser_window", "complex", "polar", "from_file",
)
_TENSOR_NEW = ("new_tensor", "new_empty", "new_zeros", "new_ones", "new_full", "new_empty_strided")


def install(torch, on_host_copy, report_error):
    cpu = torch.device("cpu")
    device_type = type(cpu)

    def to_cpu(device):
        if isinstance(device, str):
            return "cpu" if device.startswith("cuda") else device
        if isinstance(device, device_type):
            return cpu if device.type == "cuda" else device
        if type(device) is int:  # device=0 means cuda:0
            return cpu
        return device

    def map_device_kwarg(function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            device = kwargs.get("device")
            if device is not None:
                kwargs["device"] = to_cpu(device)
            return function(*args, **kwargs)
        return wrapper

    for name in _FACTORIES:
        if hasattr(torch, name):
            setattr(torch, name, map_device_kwarg(getattr(torch, name)))
    tensor = torch.Tensor
    for name in _TENSOR_NEW:
        if hasattr(tensor, name):
            setattr(tensor, name, map_device_kwarg(getattr(tensor, name)))

    original_to = tensor.to

    def to(self, *args, **kwargs):
        if args and not isinstance(args[0], (tensor, torch.dtype)):
            args = (to_cpu(args[0]),) + args[1:]
        if "device" in kwargs:
            kwargs["device"] = to_cpu(kwargs["device"])
        return original_to(self, *args, **kwargs)

    def cuda(self, device=None, non_blocking=False, memory_format=torch.preserve_format):
        if memory_format is not torch.preserve_format:
            return self.contiguous(memory_format=memory_format)
        return self

    tensor.to = functools.wraps(original_to)(to)
    tensor.cuda = cuda
    tensor.record_stream = lambda self, stream: None
    tensor.pin_memory = lambda self, *args, **kwargs: self
    tensor.is_pinned = lambda self, *args, **kwargs: False
    _watch_host_copies(tensor, on_host_copy)

    original_load = torch.load

    @functools.wraps(original_load)
    def load(*args, **kwargs):
        if len(args) > 1:  # torch.load(f, "cuda")
            kwargs["map_location"] = args[1]
            args = args[:1] + args[2:]
        location = kwargs.get("map_location")
        if location is None or isinstance(location, (str, device_type)):
            kwargs["map_location"] = to_cpu(location) if location is not None else "cpu"
        elif isinstance(location, dict):  # {"cuda:1": "cuda:0"}: every target is the CPU
            kwargs["map_location"] = {key: to_cpu(value) for key, value in location.items()}
        return original_load(*args, **kwargs)

    torch.load = load
    # map_location=lambda storage, location: storage.cuda(rank) moves a storage the same way.
    for storage in {getattr(torch, "UntypedStorage", None), getattr(torch, "TypedStorage", None),
                    getattr(getattr(torch, "storage", None), "_StorageBase", None)} - {None}:
        storage.cuda = lambda self, device=None, non_blocking=False, **kwargs: self
    if hasattr(torch, "set_default_device"):
        original_default = torch.set_default_device
        torch.set_default_device = lambda device: original_default(to_cpu(device))
    original_default_type = torch.set_default_tensor_type
    torch.set_default_tensor_type = lambda t: original_default_type(
        t.replace("torch.cuda.", "torch.") if isinstance(t, str) else t)

    _patch_cuda_module(torch)
    _patch_accelerator(torch)
    cuda_autocast.install(torch, report_error)
    grad_scaler.install(torch)
    _patch_distributed(torch)


def _watch_host_copies(tensor, on_host_copy):
    # On a GPU these copy device memory to the host and wait; here they dispatch nothing.
    for name in ("cpu", "numpy", "tolist"):
        original = getattr(tensor, name)

        def make(original, name):
            @functools.wraps(original)
            def wrapper(self, *args, **kwargs):
                on_host_copy("host-copy", "Tensor." + name)
                return original(self, *args, **kwargs)
            return wrapper

        setattr(tensor, name, make(original, name))


class _Stream:
    """torch.cuda.Stream stand-in: work is synchronous on the CPU."""

    def __init__(self, device=None, priority=0, **kwargs):
        self.device = device
        self.priority = priority

    def wait_stream(self, stream): pass
    def wait_event(self, event): pass
    def synchronize(self): pass
    def query(self): return True

    def record_event(self, event=None):
        event = event or _Event()
        event.record(self)
        return event


class _Event:
    """torch.cuda.Event stand-in that still times: record() reads the host clock."""

    def __init__(self, enable_timing=False, blocking=False, interprocess=False):
        self._time = None

    def record(self, stream=None): self._time = time.perf_counter()
    def wait(self, stream=None): pass
    def synchronize(self): pass
    def query(self): return True

    def elapsed_time(self, end):
        return ((end._time or 0.0) - (self._time or 0.0)) * 1000.0


def _returning(value):
    """A new function that accepts anything and returns value."""
    def stand_in(*args, **kwargs):
        return value
    return stand_in


class _Fresh:
    """Marks a stand-in to be made anew for each name it replaces (see _patch_cuda_module)."""

    def __init__(self, make):
        self.make = make

    def __call__(self):
        return self.make()


def _patch_cuda_module(torch):
    cuda = torch.cuda
    count = max(1, int(os.environ.get("LOCAL_WORLD_SIZE", "1") or 1))
    # Each name gets a function object of its own: torch._dynamo (torch 2.x) files every torch.cuda
    # function under a trace rule and refuses one object met under two names with different rules.
    nothing = _Fresh(lambda: _returning(None))
    zero = _Fresh(lambda: _returning(0))
    properties = types.SimpleNamespace(
        name="tpu-migrate cuda-as-cpu", major=8, minor=0, total_memory=16 << 30,
        multi_processor_count=108, is_integrated=False, is_multi_gpu_board=False)
    replacements = {
        "is_available": lambda: True, "is_initialized": lambda: True, "device_count": lambda: count,
        "current_device": lambda: 0, "set_device": nothing, "init": nothing, "_lazy_init": nothing,
        "synchronize": nothing, "empty_cache": nothing, "ipc_collect": nothing,
        "reset_peak_memory_stats": nothing, "reset_max_memory_allocated": nothing,
        "reset_max_memory_cached": nothing, "reset_accumulated_memory_stats": nothing,
        "set_per_process_memory_fraction": nothing, "set_sync_debug_mode": nothing,
        "memory_allocated": zero, "max_memory_allocated": zero, "memory_reserved": zero,
        "max_memory_reserved": zero, "memory_cached": zero, "max_memory_cached": zero,
        "memory_stats": lambda *args, **kwargs: {}, "memory_summary": lambda *args, **kwargs: "",
        "mem_get_info": lambda *args, **kwargs: (16 << 30, 16 << 30), "utilization": zero,
        "get_device_name": lambda *args, **kwargs: properties.name,
        "get_device_capability": lambda *args, **kwargs: (properties.major, properties.minor),
        "get_device_properties": lambda *args, **kwargs: properties,
        "is_bf16_supported": lambda *args, **kwargs: True, "get_arch_list": lambda: [],
        "manual_seed": nothing, "manual_seed_all": nothing, "seed": nothing, "seed_all": nothing,
        "initial_seed": lambda: torch.initial_seed(), "get_rng_state": lambda *a, **k: torch.get_rng_state(),
        "get_rng_state_all": lambda: [torch.get_rng_state()] * count,
        "set_rng_state": nothing, "set_rng_state_all": nothing,
        "Stream": _Stream, "Event": _Event, "stream": lambda stream=None: contextlib.nullcontext(),
        "current_stream": lambda device=None: _Stream(device), "default_stream": lambda device=None: _Stream(device),
        "set_stream": nothing, "device": lambda device=None: contextlib.nullcontext(),
        "device_of": lambda tensor: contextlib.nullcontext(),
        # torch 2.x optimizers ask this on every step when CUDA is "available" (Adam's capturable
        # check); a CUDA build of torch without a driver raises from the real one.
        "is_current_stream_capturing": lambda: False,
    }
    for name, value in replacements.items():
        setattr(cuda, name, value() if isinstance(value, _Fresh) else value)
    nvtx = getattr(cuda, "nvtx", None)
    if nvtx is not None:
        for name in ("range_push", "range_pop", "mark", "range_start", "range_end"):
            setattr(nvtx, name, _returning(None))
        nvtx.range = lambda *args, **kwargs: contextlib.nullcontext()


def _patch_accelerator(torch):
    """torch.accelerator (torch 2.6+) answers for CUDA in a CUDA build of torch, from the driver:
    the DataLoader's pin-memory thread asks it for the device index, and a build with no driver
    raises there. It tells the same story as torch.cuda above: one device, index 0. A CPU build
    has no accelerator and is left as it is."""
    accelerator = getattr(torch, "accelerator", None)
    if accelerator is None or not getattr(torch.version, "cuda", None):
        return
    count = torch.cuda.device_count()
    replacements = {
        "is_available": lambda: True, "device_count": lambda: count,
        "current_accelerator": lambda *args, **kwargs: torch.device("cuda"),
        "current_device_index": lambda: 0, "current_device_idx": lambda: 0,
        "set_device_index": _returning(None), "set_device_idx": _returning(None),
        "synchronize": _returning(None),
    }
    for name, value in replacements.items():
        if hasattr(accelerator, name):
            setattr(accelerator, name, value)


def _patch_distributed(torch):
    dist = getattr(torch, "distributed", None)
    if dist is None or not dist.is_available():
        return

    def gloo(backend):
        if backend is None or "nccl" in str(backend).lower():
            return "gloo"
        return backend

    original_init = dist.init_process_group

    @functools.wraps(original_init)
    def init_process_group(*args, **kwargs):
        if args:
            args = (gloo(args[0]),) + args[1:]
        else:
            kwargs["backend"] = gloo(kwargs.get("backend"))
        return original_init(*args, **kwargs)

    dist.init_process_group = init_process_group
    original_new_group = dist.new_group

    @functools.wraps(original_new_group)
    def new_group(*args, **kwargs):
        if "backend" in kwargs:
            kwargs["backend"] = gloo(kwargs["backend"])
        return original_new_group(*args, **kwargs)

    dist.new_group = new_group
    try:
        from torch.nn.parallel import DistributedDataParallel
    except ImportError:
        return
    original_ddp = DistributedDataParallel.__init__

    def ddp_init(self, module, *args, **kwargs):
        # device_ids name GPUs; with CPU parameters DDP must get none.
        if args:
            args = (None,) + ((None,) + args[2:] if len(args) > 1 else ())
        kwargs.pop("device_ids", None)
        kwargs.pop("output_device", None)
        return original_ddp(self, module, *args, **kwargs)

    DistributedDataParallel.__init__ = ddp_init
