# SPDX-License-Identifier: Apache-2.0
"""One traced process: builds the recorder, pushes the dispatch mode, and makes sure the part
file is written however the process ends (normal exit, os._exit in a forked worker, SIGTERM,
SIGINT -> KeyboardInterrupt) and at least every `flush_seconds` while ops run."""
import atexit
import os
import signal
import sys
import threading
import time

from . import part
from .locations import LocationFinder
from .recorder import Recorder
from .samples import Sampler

_state = {}


def start(settings):
    import torch

    pid = os.getpid()
    sampler = Sampler(torch, settings, pid)
    recorder = Recorder(torch, settings, LocationFinder(torch), sampler, on_limit=_on_limit)
    _state.update(settings=settings, torch=torch, recorder=recorder, sampler=sampler,
                  process=part.process_info(pid, "main", torch.__version__), pid=pid)
    recorder.flush = _flush
    if settings.cuda_as_cpu:
        from . import cuda_as_cpu
        from .low_precision import LowPrecisionFallback
        cuda_as_cpu.install(torch, on_host_copy=recorder.event, report_error=recorder.errors.append)
        recorder.run = LowPrecisionFallback(torch)
    from . import cuda_only
    from .import_hooks import AfterImport
    cuda_only.install(recorder.event, AfterImport(recorder.errors.append).add)
    mode_class = _dispatch_mode_class(torch)
    if mode_class is None:
        recorder.errors.append(f"torch {torch.__version__} has no TorchDispatchMode; no ops recorded")
        recorder.active = False
    else:
        mode_class(recorder).__enter__()  # for the life of the process: never exited
        _trace_new_threads(mode_class, recorder)
    _count_steps(torch, recorder)
    _remember_rank(torch)
    atexit.register(_flush, final=True)
    os.register_at_fork(after_in_child=_after_fork)
    _install_sigterm()
    _flush(final=False)  # the part exists from the start: the merge lists every process


def _dispatch_mode_class(torch):
    try:
        from torch.utils._python_dispatch import TorchDispatchMode
    except ImportError:  # torch < 1.13
        return None

    class TraceMode(TorchDispatchMode):
        def __init__(self, recorder):
            super().__init__()
            self._recorder = recorder

        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            return self._recorder.call(func, args, kwargs or {})

    return TraceMode


def _trace_new_threads(mode_class, recorder):
    # The dispatch mode stack is thread-local in torch 1.13 and 2.x: push it in each new thread.
    bootstrap = getattr(threading.Thread, "_bootstrap_inner", None)
    if bootstrap is None:
        return

    def _bootstrap_inner(self):
        try:
            mode_class(recorder).__enter__()
        except Exception:
            pass
        bootstrap(self)

    threading.Thread._bootstrap_inner = _bootstrap_inner


def _count_steps(torch, recorder):
    # A training step = one backward pass; Tensor.backward calls torch.autograd.backward.
    original = torch.autograd.backward

    def backward(*args, **kwargs):
        recorder.next_step()
        return original(*args, **kwargs)

    torch.autograd.backward = backward


def _remember_rank(torch):
    # The rank is known once init_process_group returns (mp.spawn workers learn it there).
    dist = getattr(torch, "distributed", None)
    if dist is None or not dist.is_available():
        return
    original = dist.init_process_group

    def init_process_group(*args, **kwargs):
        result = original(*args, **kwargs)
        try:
            _state["process"]["rank"] = dist.get_rank()
        except Exception:
            pass
        return result

    dist.init_process_group = init_process_group


def _flush(final=False):
    recorder = _state.get("recorder")
    if recorder is None:
        return
    try:
        _state["process"]["rank"] = _current_rank(_state["process"]["rank"])
        document = part.render(recorder, _state["sampler"], _state["process"], complete=final)
        part.write(_state["settings"].out_dir, _state["pid"], document)
    except Exception as error:  # a full disk must not turn into the program's failure
        sys.stderr.write(f"tpu-migrate trace: could not write the trace part: {error!r}\n")
    recorder.last_flush = time.monotonic()


def _current_rank(known):
    # Ranks are often set after start-up (mp.spawn workers call init_process_group themselves).
    try:
        dist = _state["torch"].distributed
        if dist.is_available() and dist.is_initialized():
            return dist.get_rank()
    except Exception:
        pass
    value = os.environ.get("RANK", "")
    return int(value) if value.isdigit() else known


def _on_limit():
    _flush(final=False)
    try:
        path = os.path.join(_state["settings"].out_dir, "stop-request")
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(f"limit-ops {os.getpid()}\n")
    except OSError:
        pass


def _after_fork():
    # A forked child (DataLoader worker, multiprocessing) starts an empty part of its own.
    pid = os.getpid()
    _state["pid"] = pid
    _state["process"] = part.process_info(pid, "fork", _state["torch"].__version__)
    _state["recorder"].reset()
    _state["sampler"].reset_for_child(pid)
    # multiprocessing ends forked children with os._exit, which skips atexit.
    original_exit = os._exit

    def _exit(code):
        _flush(final=True)
        original_exit(code)

    if not getattr(original_exit, "_tpu_migrate", False):
        _exit._tpu_migrate = True
        os._exit = _exit
    _flush(final=False)


def _install_sigterm():
    # Python's default SIGTERM exits without atexit; keep the trace, then die the same way.
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        return

    def _on_sigterm(signum, frame):
        _flush(final=True)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)

    signal.signal(signal.SIGTERM, _on_sigterm)
