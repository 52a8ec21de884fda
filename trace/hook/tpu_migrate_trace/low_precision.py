# SPDX-License-Identifier: Apache-2.0
"""float16 and bfloat16 on a CPU that lacks their kernels (`--cuda-as-cpu` only).

Under CUDA autocast (cuda_autocast.py) tensors really are float16; the CPU kernels of torch
1.13 have no float16 version of most ops (addmm, softmax, gelu, layer_norm...) and refuse a
float16 input with float32 norm weights, which CUDA's kernels accept. Such a call is recorded
as the program made it (float16 in, float16 out) and computed in float32, the result rounded
back to the low-precision type: what a CUDA kernel does when it accumulates in float32. Only a
missing kernel triggers this; any other error is the program's own and passes through."""
import re

_MISSING_KERNEL = re.compile(r"not implemented for '?(half|bfloat16)", re.IGNORECASE)
# CUDA's normalization kernels take float32 weights with a float16 input; the CPU's do not.
_MIXED_DTYPE = re.compile(r"expected scalar type|mixed dtype|same dtype|to have the same", re.IGNORECASE)
_MIXED_OK_OPS = ("native_layer_norm", "native_batch_norm", "native_group_norm", "batch_norm",
                 "_native_batch_norm_legit")


class LowPrecisionFallback:
    def __init__(self, torch_module):
        self._torch = torch_module
        self._tensor = torch_module.Tensor
        self._low = (torch_module.float16, torch_module.bfloat16)
        self._float32 = torch_module.float32
        self._in_float32 = set()  # (op overload, low dtype): the CPU has no kernel for it

    def __call__(self, func, args, kwargs):
        low = self._low_dtype(args) or (self._low_dtype(kwargs.values()) if kwargs else None)
        if low is None:
            return func(*args, **kwargs)
        key = (func, low)
        if key not in self._in_float32:
            try:
                return func(*args, **kwargs)
            except (RuntimeError, NotImplementedError) as error:
                if not self._is_missing_kernel(func, str(error)):
                    raise
                self._in_float32.add(key)
        return self._compute_in_float32(func, args, kwargs, low)

    # -- helpers -------------------------------------------------------------------------------
    def _low_dtype(self, values):
        tensor, low = self._tensor, self._low
        for value in values:
            if isinstance(value, tensor):
                if value.dtype in low:
                    return value.dtype
            elif type(value) in (list, tuple):
                for item in value:
                    if isinstance(item, tensor) and item.dtype in low:
                        return item.dtype
        return None

    def _is_missing_kernel(self, func, message):
        if _MISSING_KERNEL.search(message):
            return True
        name = func._schema.name.split("::")[-1]
        return name.startswith(_MIXED_OK_OPS) and bool(_MIXED_DTYPE.search(message))

    def _up(self, value):
        if isinstance(value, self._tensor):
            return value.float() if value.dtype in self._low else value
        if value in self._low:  # a dtype argument (_log_softmax_backward_data's input_dtype)
            return self._float32
        if type(value) in (list, tuple):
            return type(value)(self._up(item) for item in value)
        return value

    def _compute_in_float32(self, func, args, kwargs, low):
        up_args = [self._up(a) for a in args]
        up_kwargs = {k: self._up(v) for k, v in kwargs.items()}
        out = func(*up_args, **up_kwargs)
        schema = func._schema
        # Arguments the op writes (in-place self, out=): copy the result back into the program's
        # own low-precision tensors, and return those, as the op would have.
        written = {}
        position = 0  # index among the positional arguments
        for argument in schema.arguments:
            info = argument.alias_info
            writes = info is not None and info.is_write
            if argument.kwarg_only:
                original, computed = kwargs.get(argument.name), up_kwargs.get(argument.name)
            else:
                given = position < len(args)
                original = args[position] if given else None
                computed = up_args[position] if given else None
                position += 1
            if not writes or original is None:
                continue
            self._copy_back(original, computed)
            written[id(computed)] = original
        inputs_all_low = all(
            t.dtype in self._low for t in self._tensors(list(args) + list(kwargs.values()))
            if t.is_floating_point())
        statistics_in_float32 = "norm" in schema.name and schema.name.split("::")[-1].startswith("native_")
        if isinstance(out, self._tensor):
            return written.get(id(out), self._down(out, low))
        if isinstance(out, (tuple, list)):
            results = []
            for index, item in enumerate(out):
                if not isinstance(item, self._tensor):
                    results.append(item)
                elif id(item) in written:
                    results.append(written[id(item)])
                elif index == 0 or (inputs_all_low and not statistics_in_float32):
                    results.append(self._down(item, low))
                else:
                    results.append(item)  # float32 statistics / weight gradients, as on CUDA
            return type(out)(results)
        return out

    def _tensors(self, values):
        for value in values:
            if isinstance(value, self._tensor):
                yield value
            elif type(value) in (list, tuple):
                yield from (v for v in value if isinstance(v, self._tensor))

    def _copy_back(self, original, computed):
        if isinstance(original, self._tensor) and computed is not original:
            original.copy_(computed)
        elif type(original) in (list, tuple):
            for o, c in zip(original, computed):
                self._copy_back(o, c)

    def _down(self, tensor, low):
        return tensor.to(low) if tensor.dtype == self._float32 else tensor
