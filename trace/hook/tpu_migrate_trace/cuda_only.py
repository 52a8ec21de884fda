# SPDX-License-Identifier: Apache-2.0
"""Code the trace cannot follow because it exists only for CUDA: an op with no kernel for the
tensors' backend (a custom extension's op, or a CUDA-only aten op), a compiled extension that
cannot load without the CUDA libraries, a CUDA extension built with torch.utils.cpp_extension,
a Triton kernel. Each is recorded as an event of kind
"cuda-only" at the user's line (docs/trace-format.md); what happens next is the program's own
business: its error passes through unchanged, with its exit code."""
import functools
import importlib.machinery
import re

KIND = "cuda-only"
_NO_KERNEL = re.compile(r"Could not run '([\w.:]+)' with arguments from the '(\w+)' backend")
# The libraries a compiled CUDA extension links: its import fails without them.
_CUDA_LIBRARY = re.compile(r"lib(?:cudart|cublas|cublasLt|cudnn|cufft|curand|cusparse|cusolver|nvrtc|"
                           r"nvToolsExt|nccl|c10_cuda|torch_cuda\w*)\.so[\d.]*")


def op_without_kernel(error):
    """What to call the op a dispatcher error names ("custom op ns::op", "CUDA-only op
    aten::x"), or None when the error is not a missing backend kernel."""
    match = _NO_KERNEL.search(str(error))
    if match is None:
        return None
    op = match.group(1)
    return ("CUDA-only op " if op.startswith("aten::") else "custom op ") + op


def watch_extension_loads(note):
    """An extension module (pybind11 / setup.py CUDAExtension) whose import fails for want of
    the CUDA libraries it was linked against."""
    loader = importlib.machinery.ExtensionFileLoader
    original = loader.create_module

    @functools.wraps(original)
    def create_module(self, spec):
        try:
            return original(self, spec)
        except ImportError as error:
            match = _CUDA_LIBRARY.search(str(error))
            if match is not None:
                note(KIND, f"CUDA extension {spec.name} (needs {match.group(0)})")
            raise

    loader.create_module = create_module


def watch_extension_builds(cpp_extension, note):
    """torch.utils.cpp_extension.load / load_inline with CUDA sources: a CUDA extension."""
    def wrap(original, cuda_sources):
        @functools.wraps(original)
        def wrapper(*args, **kwargs):
            if cuda_sources(args, kwargs):
                name = kwargs.get("name", args[0] if args else "?")
                note(KIND, f"CUDA extension {name} (torch.utils.cpp_extension.{original.__name__})")
            return original(*args, **kwargs)
        return wrapper

    def load_has_cuda(args, kwargs):
        sources = kwargs.get("sources", args[1] if len(args) > 1 else ())
        sources = [sources] if isinstance(sources, str) else list(sources or ())
        return kwargs.get("with_cuda") or any(str(s).endswith((".cu", ".cuh")) for s in sources)

    def inline_has_cuda(args, kwargs):
        return kwargs.get("with_cuda") or kwargs.get("cuda_sources") or (len(args) > 2 and args[2])

    for name, has_cuda in (("load", load_has_cuda), ("load_inline", inline_has_cuda)):
        original = getattr(cpp_extension, name, None)
        if original is not None:
            setattr(cpp_extension, name, wrap(original, has_cuda))


def watch_triton_launches(jit_module, note):
    """`kernel[grid](...)` on a @triton.jit (or autotuned) kernel."""
    interface = getattr(jit_module, "KernelInterface", None)
    original = getattr(interface, "__getitem__", None)
    if original is None:
        return

    def __getitem__(self, grid):
        launcher = original(self, grid)
        name = getattr(self, "__name__", None) or getattr(getattr(self, "fn", None), "__name__", "?")

        def launch(*args, **kwargs):
            note(KIND, f"Triton kernel {name}")
            return launcher(*args, **kwargs)
        return launch

    interface.__getitem__ = __getitem__


def install(note, after_import):
    """`note(kind, what)` records at the caller's user line; `after_import(module, callback)`
    runs the callback once that module is imported (now, if it already is)."""
    watch_extension_loads(note)
    after_import("torch.utils.cpp_extension", lambda module: watch_extension_builds(module, note))
    after_import("triton.runtime.jit", lambda module: watch_triton_launches(module, note))
