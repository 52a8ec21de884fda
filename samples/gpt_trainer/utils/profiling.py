"""Lightweight profiling helpers: NVTX ranges, step timers and device memory stats."""
import contextlib
import time

import torch

try:
    import pynvml
except ImportError:  # nvidia-ml-py is optional; memory reports just get shorter
    pynvml = None

# Some stripped-down torch builds ship without the cuda submodule at all.
_TORCH_HAS_CUDA_MODULE = hasattr(torch, "cuda")


@contextlib.contextmanager
def nvtx_range(name, enabled=True):
    """Mark a region so it shows up by name in an Nsight Systems timeline.

    This is a no-op when cuda is not available, so it can stay in CPU runs.
    """
    active = enabled and _TORCH_HAS_CUDA_MODULE and torch.cuda.is_available()
    if active:
        torch.cuda.nvtx.range_push(name)
    try:
        yield
    finally:
        if active:
            torch.cuda.nvtx.range_pop()


class StepTimer:
    """Wall time of a training step in milliseconds.

    GPU work is asynchronous, so on CUDA devices we time with events recorded on
    the stream instead of the host clock.
    """

    def __init__(self, device):
        self.use_events = torch.device(device).type == "cuda"
        self._t0 = 0.0

    def start(self):
        if self.use_events:
            self._start = torch.cuda.Event(enable_timing=True)
            self._end = torch.cuda.Event(enable_timing=True)
            self._start.record()
        else:
            self._t0 = time.perf_counter()

    def stop(self):
        if self.use_events:
            self._end.record()
            self._end.synchronize()
            return self._start.elapsed_time(self._end)
        return (time.perf_counter() - self._t0) * 1000.0


def device_memory_report(device_index=0):
    """One-line memory summary for the log, or None when there is nothing to report."""
    if not torch.cuda.is_available():
        return None
    allocated = torch.cuda.memory_allocated(device_index) / 2**20
    reserved = torch.cuda.memory_reserved(device_index) / 2**20
    report = f"torch alloc {allocated:.0f} MiB / reserved {reserved:.0f} MiB"
    if pynvml is None:
        return report
    try:
        pynvml.nvmlInit()
        handle = pynvml.nvmlDeviceGetHandleByIndex(device_index)
        info = pynvml.nvmlDeviceGetMemoryInfo(handle)
        report += f" | nvml used {info.used / 2**20:.0f} / {info.total / 2**20:.0f} MiB"
        pynvml.nvmlShutdown()
    except pynvml.NVMLError:
        pass
    return report
