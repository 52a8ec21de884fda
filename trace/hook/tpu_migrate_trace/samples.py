# SPDX-License-Identifier: Apache-2.0
"""Saves the actual inputs and outputs of a bounded sample of op calls, for the numerics
checker to replay (docs/trace-format.md, "Sample files").

Each sampled call is one `torch.save` file holding only types libtorch's `torch::pickle_load`
reads back: tensors, None, bool, int, float, str, lists and str-keyed dicts. Values torch
passes as Python objects (dtype, device, layout, memory format, complex) become one-key dicts
such as {"dtype": "float32"}; aten schemas never take dicts, so the tag is unambiguous."""
import fcntl
import os
import pickle
import struct
import types

_PLAIN_TENSOR_TYPES = None  # (torch.Tensor, torch.nn.Parameter), filled on first use


class _LibtorchPickler(pickle._Pickler):
    """Python's pickler writes a one-element list as APPEND and a one-item dict as SETITEM;
    libtorch's unpickler knows only the batched APPENDS and SETITEMS (torch::pickle_load fails
    with "Unknown opcode ... 0x61"). Always batching writes the same objects in opcodes both read."""

    def _batch_appends(self, items, *rest):
        items = list(items)
        if not items:
            return
        self.write(pickle.MARK)
        for item in items:
            self.save(item)
        self.write(pickle.APPENDS)

    def _batch_setitems(self, items, *rest):
        items = list(items)
        if not items:
            return
        self.write(pickle.MARK)
        for key, value in items:
            self.save(key)
            self.save(value)
        self.write(pickle.SETITEMS)


# torch.save(..., pickle_module=...) only needs a Pickler class from the module.
_PICKLE_MODULE = types.SimpleNamespace(Pickler=_LibtorchPickler, __name__="tpu_migrate_pickle")


def dtype_name(dtype):
    return str(dtype).rsplit(".", 1)[-1]


class SampleBudget:
    """Bytes saved by all processes of the trace together, kept in a ledger file under an
    exclusive lock, so a DataLoader worker cannot spend what the main process still needs."""

    def __init__(self, samples_dir, limit):
        self._ledger = os.path.join(samples_dir, ".budget")
        self._limit = limit
        self.exhausted = False

    def reserve(self, nbytes):
        if self.exhausted:
            return False
        fd = os.open(self._ledger, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            raw = os.read(fd, 8)
            used = struct.unpack("<Q", raw)[0] if len(raw) == 8 else 0
            if used + nbytes > self._limit:
                self.exhausted = True
                return False
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, struct.pack("<Q", used + nbytes))
            return True
        finally:
            os.close(fd)


class Sampler:
    def __init__(self, torch_module, settings, pid):
        global _PLAIN_TENSOR_TYPES
        self._torch = torch_module
        _PLAIN_TENSOR_TYPES = (torch_module.Tensor, torch_module.nn.Parameter)
        self._per_op = settings.samples_per_op
        self._max_tensor = settings.max_tensor_bytes
        self._dir = os.path.join(settings.out_dir, "samples")
        os.makedirs(self._dir, exist_ok=True)
        self._budget = SampleBudget(self._dir, settings.max_sample_bytes)
        self._taken = {}  # (op overload, input dtypes) -> samples kept
        self._pid = pid
        self._sequence = 0
        self.entries = []  # index rows for the part file
        self.enabled = self._per_op > 0

    def reset_for_child(self, pid):
        self._taken = {}
        self._pid = pid
        self._sequence = 0
        self.entries = []

    def wants(self, key):
        return self.enabled and self._taken.get(key, 0) < self._per_op and not self._budget.exhausted

    # -- capture -----------------------------------------------------------------------------
    def capture_inputs(self, func, args, kwargs):
        """Copies the call's arguments by schema name, before the op runs (in-place and out=
        variants overwrite them)."""
        named = []
        arguments = func._schema.arguments
        positional = [a for a in arguments if not a.kwarg_only]
        for index, value in enumerate(args):
            name = positional[index].name if index < len(positional) else f"arg{index}"
            named.append((name, value))
        for name, value in kwargs.items():
            named.append((name, value))
        self._bytes = 0
        self._omitted = []
        return [{"name": name, "value": self._encode(value, name)} for name, value in named]

    def finish(self, key, func, inputs, outputs, location, dtypes):
        encoded_outputs = self._encode(list(outputs) if isinstance(outputs, tuple) else [outputs], "out")
        nbytes = self._bytes
        if not self._budget.reserve(nbytes):
            return
        self._taken[key] = self._taken.get(key, 0) + 1
        name = f"p{self._pid}-{self._sequence:05d}.pt"
        self._sequence += 1
        schema = func._schema
        overload = schema.overload_name or "default"
        tags = getattr(func, "tags", ()) or ()
        record = {
            "format": "tpu-migrate/sample@1",
            "op": schema.name,
            "overload": overload,
            "schema": str(schema),
            "args": inputs,
            "outputs": encoded_outputs,
            "omitted": list(self._omitted),
            "nondeterministic": any("nondeterministic_seeded" in str(tag) for tag in tags),
            "path": location[0],
            "line": location[1],
        }
        path = os.path.join(self._dir, name)
        temporary = path + ".tmp"
        self._torch.save(record, temporary, pickle_module=_PICKLE_MODULE)
        os.replace(temporary, path)
        self.entries.append({
            "file": "samples/" + name, "op": schema.name, "overload": overload,
            "dtypes": [dtype_name(d) for d in dtypes], "path": location[0], "line": location[1],
            "bytes": nbytes, "omitted": list(self._omitted),
        })

    # -- values ------------------------------------------------------------------------------
    def _encode(self, value, name):
        torch = self._torch
        if isinstance(value, torch.Tensor):
            return self._tensor(value, name)
        if value is None or type(value) in (bool, int, float, str):
            return value
        if isinstance(value, (list, tuple)):
            return [self._encode(item, name) for item in value]
        if isinstance(value, complex):
            return {"complex": [value.real, value.imag]}
        if isinstance(value, torch.dtype):
            return {"dtype": dtype_name(value)}
        if isinstance(value, torch.device):
            return {"device": str(value)}
        if isinstance(value, torch.layout):
            return {"layout": dtype_name(value)}
        if isinstance(value, torch.memory_format):
            return {"memory_format": dtype_name(value)}
        for kind in ("SymInt", "SymFloat", "SymBool"):  # torch 2.x symbolic scalars
            cls = getattr(torch, kind, None)
            if cls is not None and isinstance(value, cls):
                return {"SymInt": int, "SymFloat": float, "SymBool": bool}[kind](value)
        if isinstance(value, (bool, int, float, str)):  # subclasses such as IntEnum, numpy scalars
            return type(value).__mro__[-2](value)
        self._omitted.append(name)
        return {"unsupported": type(value).__name__}

    def _tensor(self, tensor, name):
        torch = self._torch
        description = {"omitted": "", "dtype": dtype_name(tensor.dtype), "shape": list(tensor.shape),
                       "device": str(tensor.device)}
        if type(tensor) not in _PLAIN_TENSOR_TYPES:
            description["omitted"] = "tensor-subclass:" + type(tensor).__name__
        elif tensor.layout != torch.strided or tensor.is_quantized or tensor.device.type == "meta":
            description["omitted"] = "layout"
        elif tensor.numel() * tensor.element_size() > self._max_tensor:
            description["omitted"] = "too-large"
        if description["omitted"]:
            self._omitted.append(name)
            return description
        copy = tensor.detach()
        if copy.device.type != "cpu":
            copy = copy.to("cpu")  # a CPU libtorch reads it; the source device is in the index
        if getattr(copy, "is_conj", None) and copy.is_conj():
            copy = copy.resolve_conj()
        if getattr(copy, "is_neg", None) and copy.is_neg():
            copy = copy.resolve_neg()
        copy = copy.clone(memory_format=torch.contiguous_format)
        self._bytes += copy.numel() * copy.element_size()
        return copy
