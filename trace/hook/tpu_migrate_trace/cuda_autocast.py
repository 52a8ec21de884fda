# SPDX-License-Identifier: Apache-2.0
"""`--cuda-as-cpu` autocast: a CUDA autocast region casts exactly as CUDA's would.

Why this mechanism: the tensors of the region get the dtypes CUDA autocast gives them (float16
or bfloat16, float32 for layer_norm, softmax, losses...), so the trace records real dtypes,
the program sees the dtypes it sees on a GPU (`out.dtype == torch.float16`), and GradScaler
meets real float16 overflows. CPU autocast cannot do this: its op lists differ from CUDA's
(torch 1.13 leaves layer_norm uncast, which crashes on bfloat16 input with float32 weights)
and it accepts only bfloat16. Where the CPU has no float16 kernel, low_precision.py computes
in float32 and rounds back, as CUDA kernels accumulate in float32.

How: torch.autocast("cuda") still sets CUDA's own autocast state (torch.is_autocast_enabled,
get_autocast_gpu_dtype, the cache flag, the nesting count) — that works without a GPU. Entering
a CUDA region also turns on the AutocastCPU dispatch key, where Python kernels registered here
apply CUDA's policy (cuda_autocast_policy.py) to every op CUDA or CPU autocast registers; an
op on CPU's list only runs uncast, as on CUDA. The casts run above autograd, so gradients flow
back through them as they do on a GPU, and fp32 weights are cast once per region (CUDA's
weight cache)."""
import functools
import warnings

from . import cuda_autocast_policy as policy

_library = None       # the torch.library.Library holding the kernels; must stay alive
_weight_cache = {}    # id(fp32 leaf weight) -> (weight, its cast copy); cleared with CUDA's


def install(torch, report_error):
    """Registers the kernels and patches the autocast context manager. `report_error(text)`
    notes what cannot be emulated (ops whose CUDA policy the table does not know)."""
    global _library
    registered = torch._C._dispatch_get_registrations_for_dispatch_key
    cuda_ops = {name.split("::", 1)[1] for name in registered("AutocastCUDA") if name.startswith("aten::")}
    cpu_ops = {name.split("::", 1)[1] for name in registered("AutocastCPU") if name.startswith("aten::")}
    unknown = sorted(cuda_ops - policy.POLICY.keys())
    if unknown:
        report_error(f"CUDA autocast policy unknown for torch {torch.__version__} ops "
                     f"{', '.join(unknown)}: they run uncast in CUDA autocast regions")
    library = torch.library.Library("aten", "IMPL")
    with warnings.catch_warnings():  # "Overriding a previously registered kernel": intended
        warnings.simplefilter("ignore")
        for name in sorted(cuda_ops | cpu_ops):
            overload = _overload(torch, name)
            if overload is None:
                continue
            if name in cuda_ops:
                kernel = _kernel(torch, overload, policy.POLICY.get(name), name)
            else:
                kernel = _fallthrough(torch, overload, name)
            library.impl(name, kernel, "AutocastCPU")
    _library = library
    _patch_context_manager(torch)
    _patch_custom_fwd_cast(torch)


def _overload(torch, name):
    op, _, overload = name.partition(".")
    packet = getattr(torch.ops.aten, op, None)
    return getattr(packet, overload or "default", None) if packet is not None else None


def _fallthrough(torch, overload, name):
    """An op on CPU autocast's lists only: on CUDA no autocast kernel stands in its way. A
    decomposable op (cross_entropy_loss) runs its decomposition with autocast still on, so
    its parts (log_softmax, nll_loss) meet CUDA's policy as they do on a GPU; any other op
    runs below autocast."""
    set_cpu = torch.set_autocast_cpu_enabled
    composite = torch._C._dispatch_has_kernel_for_dispatch_key("aten::" + name, "CompositeImplicitAutograd")

    def kernel(*args, **kwargs):
        if composite:
            return overload.decompose(*args, **kwargs)
        set_cpu(False)
        try:
            return overload(*args, **kwargs)
        finally:
            set_cpu(True)

    kernel.__name__ = f"cuda_autocast_fallthrough_{name.replace('.', '_')}"
    return kernel


def _kernel(torch, overload, rule, name):
    float32, float64 = torch.float32, torch.float64
    tensor_type = torch.Tensor
    set_cpu = torch.set_autocast_cpu_enabled

    def eligible(value):
        return (isinstance(value, tensor_type) and value.is_floating_point() and value.dtype != float64
                and value.device.type == "cpu")

    def cached_cast(to_type, value):
        if not eligible(value) or value.dtype == to_type:
            return value
        if (to_type == torch.get_autocast_gpu_dtype() and value.dtype == float32 and value.requires_grad
                and value.is_leaf and not value._is_view() and torch.is_autocast_cache_enabled()):
            hit = _weight_cache.get(id(value))
            if hit is not None and hit[0] is value:
                return hit[1]
            cast = value.to(to_type)
            _weight_cache[id(value)] = (value, cast)
            return cast
        return value.to(to_type)

    def cast(to_type, value):
        if isinstance(value, (list, tuple)):
            return type(value)(cached_cast(to_type, item) for item in value)
        return cached_cast(to_type, value)

    def cast_all(to_type, args, kwargs):
        return ([cast(to_type, a) for a in args], {k: cast(to_type, v) for k, v in kwargs.items()})

    def widest(args, kwargs):
        # autocast_mode.h prioritize(): float32 wins over the region's dtype; float64 is ignored.
        to_type = torch.get_autocast_gpu_dtype()
        for value in list(args) + list(kwargs.values()):
            for item in value if isinstance(value, (list, tuple)) else (value,):
                if eligible(item) and item.dtype == float32:
                    to_type = float32
        return to_type

    schema_arguments = overload._schema.arguments
    dtype_index = next((i for i, a in enumerate(schema_arguments) if a.name == "dtype"), None)
    dtype_kwarg_only = dtype_index is not None and schema_arguments[dtype_index].kwarg_only
    append_target = None
    if rule == policy.APPEND_DTYPE:
        append_target = _overload(torch, policy.APPEND_DTYPE_TARGETS[name])

    def run(args, kwargs):
        if rule is None or not torch.is_autocast_enabled():  # a policy the table lacks; CPU autocast
            return overload(*args, **kwargs)
        if rule == policy.LOWER:
            args, kwargs = cast_all(torch.get_autocast_gpu_dtype(), args, kwargs)
        elif rule == policy.FP32:
            args, kwargs = cast_all(float32, args, kwargs)
        elif rule == policy.PROMOTE:
            args, kwargs = cast_all(widest(args, kwargs), args, kwargs)
        elif rule == policy.SET_OPT_DTYPE:
            if args and eligible(args[0]):
                if dtype_kwarg_only or len(args) <= dtype_index:
                    if kwargs.get("dtype") is None:
                        kwargs = dict(kwargs, dtype=float32)
                elif args[dtype_index] is None:
                    args = list(args)
                    args[dtype_index] = float32
        elif rule == policy.APPEND_DTYPE:
            if args and eligible(args[0]) and append_target is not None:
                args = list(args)
                for argument in schema_arguments[len(args):]:  # norm(x) -> norm(x, 2, dtype=...)
                    if not argument.kwarg_only:
                        args.append(argument.default_value)
                return append_target(*args, **kwargs, dtype=float32)
        elif rule == policy.BANNED:
            raise RuntimeError(policy.BANNED_MESSAGE)
        return overload(*args, **kwargs)

    def kernel(*args, **kwargs):
        # The CPU flag is on (or this kernel would not run): turning it off for the call is
        # CUDA's ExcludeDispatchKeyGuard, so the op and its decomposition run below autocast.
        set_cpu(False)
        try:
            return run(args, kwargs)
        finally:
            set_cpu(True)

    kernel.__name__ = f"cuda_autocast_{name.replace('.', '_')}"
    return kernel


def _patch_context_manager(torch):
    # torch.cuda.amp.autocast subclasses torch.autocast; patching the base covers every spelling
    # (with, decorator, torch.cuda.amp.autocast, torch.autocast("cuda", dtype=...)).
    autocast = torch.autocast
    original_enter, original_exit = autocast.__enter__, autocast.__exit__

    def __enter__(self):
        result = original_enter(self)
        if getattr(self, "device", None) == "cuda":
            self._tpu_migrate_prev_cpu = torch.is_autocast_cpu_enabled()
            torch.set_autocast_cpu_enabled(torch.is_autocast_enabled())
        return result

    def __exit__(self, *exc):
        result = original_exit(self, *exc)
        if getattr(self, "device", None) == "cuda" and hasattr(self, "_tpu_migrate_prev_cpu"):
            torch.set_autocast_cpu_enabled(self._tpu_migrate_prev_cpu)
        return result

    autocast.__enter__ = __enter__
    autocast.__exit__ = __exit__
    original_clear = torch.clear_autocast_cache

    @functools.wraps(original_clear)
    def clear_autocast_cache():
        _weight_cache.clear()
        original_clear()

    torch.clear_autocast_cache = clear_autocast_cache


def _patch_custom_fwd_cast(torch):
    # custom_fwd(cast_inputs=...) casts only tensors on the CUDA device; here they are CPU tensors.
    # torch 1.13 casts in torch.cuda.amp.autocast_mode._cast(value, dtype); torch 2.x in
    # torch.amp.autocast_mode._cast(value, device_type, dtype), which the old one now calls.
    def eligible(value):
        return value.is_floating_point() and value.device.type == "cpu" and value.dtype is not torch.float64

    legacy = getattr(getattr(torch.cuda, "amp", None), "autocast_mode", None)
    legacy_cast = getattr(legacy, "_cast", None)
    if legacy_cast is not None:
        def _cast(value, dtype):
            if isinstance(value, torch.Tensor):
                return value.to(dtype) if eligible(value) else value
            return legacy_cast(value, dtype)  # containers recurse through the module's _cast: this one

        legacy._cast = _cast
    current = getattr(getattr(torch, "amp", None), "autocast_mode", None)
    current_cast = getattr(current, "_cast", None)
    if current_cast is not None and current is not legacy:
        def _cast_for(value, device_type, dtype):
            if device_type == "cuda" and isinstance(value, torch.Tensor):
                return value.to(dtype) if eligible(value) else value
            return current_cast(value, device_type, dtype)  # containers recurse through this one

        current._cast = _cast_for
