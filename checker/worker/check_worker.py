# SPDX-License-Identifier: Apache-2.0
"""tpu-migrate check's device worker: runs sampled op calls (and whole models) on a torch
device of the user's own Python, so that a TPU VM with torch_xla checks on the TPU itself.

Started as `python check_worker.py --device DEVICE --precision PRECISION`. It speaks the line
protocol of docs/check.md ("The worker protocol"): its first line on stdout is a hello, then one
JSON reply per JSON request read from stdin. Tensors never travel on the pipe: a request names
the sample file to read and the .pt file to write. Anything else the user's code prints goes
to stderr, so that stdout carries only the protocol."""
import argparse
import copy
import importlib
import json
import math
import os
import sys
import time
import traceback

PROTOCOL = "tpu-migrate/check-worker@1"
RUN_FORMAT = "tpu-migrate/model-run@1"

# stdout is the protocol channel; the user's prints (and torch_xla's) go to stderr.
_protocol = os.fdopen(os.dup(1), "w", buffering=1)
os.dup2(2, 1)
sys.stdout = sys.stderr


def send(message):
    _protocol.write(json.dumps(message) + "\n")
    _protocol.flush()


class Skip(Exception):
    """The call cannot be replayed here (reply kind "skip", not a failure of the device)."""


# -- the device ---------------------------------------------------------------------------------
class Device:
    def __init__(self, torch, name, precision):
        self.torch = torch
        self.name = name
        self.xm = None
        self.description = "torch " + torch.__version__
        self.precision_note = ""
        if name == "xla" or name.startswith("xla:"):
            import torch_xla  # noqa: F401  (raises ImportError: reported in the hello)
            import torch_xla.core.xla_model as xm
            self.xm = xm
            self.device = xm.xla_device()
            self.description += ", torch_xla " + getattr(torch_xla, "__version__", "?")
            try:
                self.description += ", " + str(xm.xla_device_hw(self.device))
            except Exception:  # older torch_xla
                pass
            self.precision_note = self._xla_precision(torch_xla, precision)
        elif name == "tpu" or name.startswith("tpu:"):
            self._open_torch_tpu(torch, name, precision)
        else:
            self.device = torch.device(name)
            kind = self.device.type
            if kind == "cuda" and not torch.cuda.is_available():
                raise RuntimeError("torch.cuda.is_available() is False in this Python")
            if kind == "mps" and not (hasattr(torch.backends, "mps") and torch.backends.mps.is_available()):
                raise RuntimeError("torch.backends.mps.is_available() is False in this Python")
            if kind == "xpu" and not (hasattr(torch, "xpu") and torch.xpu.is_available()):
                raise RuntimeError("torch.xpu.is_available() is False in this Python")
            torch.empty(1, device=self.device)  # fails early on a device torch does not have
            if kind == "cuda":
                self.description += ", " + torch.cuda.get_device_name(self.device)
                self.precision_note = self._cuda_precision(precision)

    def _open_torch_tpu(self, torch, name, precision):
        # TorchTPU loads with `import torch` (a torch.backends entry point) and names its
        # PrivateUse1 backend "tpu" only once a TPU is attached (seen with torch_tpu 0.2.0).
        try:
            import torch_tpu
        except ImportError as error:
            raise RuntimeError("torch_tpu is not installed in this Python (pip install torch-tpu)") from error
        try:
            self.device = torch.device(name)
            torch.empty(1, device=self.device)
        except RuntimeError as error:
            raise RuntimeError("torch_tpu is installed but no TPU is attached: without one its backend "
                               "keeps the name privateuseone and device %r does not exist (%s)"
                               % (name, str(error).splitlines()[0])) from error
        self.description += ", torch_tpu " + getattr(torch_tpu, "__version__", "?")
        try:
            self.description += ", " + str(torch.tpu.get_device_name())
        except Exception:  # experimental in 0.2.0; the description does without it
            pass
        self.precision_note = self._tpu_precision(torch, precision)

    def _tpu_precision(self, torch, precision):
        # torch.tpu.precision(torch.tpu.Precision.X) is a context manager (torch_tpu 0.2.0,
        # experimental); the worker holds it open for its whole life.
        try:
            mode = getattr(torch.tpu.Precision, precision.upper())
            self._precision = torch.tpu.precision(mode)
            self._precision.__enter__()
            return "torch.tpu.precision(torch.tpu.Precision.%s)" % precision.upper()
        except Exception as error:
            return "not set (%s): TorchTPU's default, one bfloat16 pass" % error

    def _xla_precision(self, torch_xla, precision):
        # torch_xla/backends/__init__.py (2.6+): set_mat_mul_precision('default'|'high'|'highest').
        try:
            import torch_xla.backends as backends
            backends.set_mat_mul_precision(precision)
            return "torch_xla.backends.set_mat_mul_precision('%s')" % precision
        except Exception:
            pass
        try:
            torch_xla._XLAC._xla_set_mat_mul_precision(precision)
            return "_xla_set_mat_mul_precision('%s')" % precision
        except Exception:
            pass
        if precision == "highest":
            try:
                torch_xla._XLAC._xla_set_use_full_mat_mul_precision(use_full_mat_mul_precision=True)
                return "_xla_set_use_full_mat_mul_precision(True)"
            except Exception:
                pass
        return "not set (this torch_xla has no precision switch): XLA's default"

    def _cuda_precision(self, precision):
        # GPU convolutions default to TF32; for a validation run pin both off (TARGETS.md).
        torch = self.torch
        if precision == "highest":
            torch.backends.cuda.matmul.allow_tf32 = False
            torch.backends.cudnn.allow_tf32 = False
            return "TF32 off for matmul and cuDNN"
        if precision == "high":
            torch.backends.cuda.matmul.allow_tf32 = True
            torch.backends.cudnn.allow_tf32 = True
            return "TF32 on for matmul and cuDNN"
        return "torch defaults (matmul TF32 %s, cuDNN TF32 %s)" % (
            torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32)

    def sync(self):
        if self.xm is not None:
            self.xm.mark_step()
        elif self.device.type == "cuda":
            self.torch.cuda.synchronize(self.device)


# -- sampled op calls ---------------------------------------------------------------------------
def decode(torch, value, device, name):
    """A saved argument (docs/trace-format.md, "Sample files") as the op wants it on `device`."""
    if isinstance(value, torch.Tensor):
        return value.to(device)
    if isinstance(value, dict):
        if "omitted" in value or "unsupported" in value:
            raise Skip("argument `%s` was not saved in the trace" % name)
        if "dtype" in value:
            return getattr(torch, value["dtype"])
        if "device" in value:
            return device
        if "layout" in value:
            return getattr(torch, value["layout"])
        if "memory_format" in value:
            return getattr(torch, value["memory_format"])
        if "complex" in value:
            return complex(*value["complex"])
        raise Skip("argument `%s`: unknown tagged value %r" % (name, sorted(value)))
    if isinstance(value, (list, tuple)):
        return [decode(torch, item, device, name) for item in value]
    return value


def resolve_op(torch, op, overload):
    namespace, _, name = op.partition("::")
    try:
        packet = getattr(getattr(torch.ops, namespace), name)
        return getattr(packet, overload or "default")
    except (AttributeError, RuntimeError):
        raise Skip("this torch (%s) has no %s.%s" % (torch.__version__, op, overload))


def to_host(torch, value):
    """Outputs as torch.load and libtorch read them: CPU tensors, lists, scalars."""
    if isinstance(value, torch.Tensor):
        return value.detach().to("cpu").clone()
    if isinstance(value, (list, tuple)):
        return [to_host(torch, item) for item in value]
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return None


def replay(torch, device, request):
    record = torch.load(request["sample"], map_location="cpu")
    func = resolve_op(torch, record["op"], record["overload"])
    saved = {entry["name"]: entry["value"] for entry in record["args"]}
    positional, keywords, gap = [], {}, False
    for argument in func._schema.arguments:
        if argument.name not in saved:
            gap = True  # later arguments go by name
            continue
        value = decode(torch, saved[argument.name], device.device, argument.name)
        if argument.kwarg_only or gap:
            keywords[argument.name] = value
        else:
            positional.append(value)
    start = time.perf_counter()
    out = func(*positional, **keywords)
    returns = list(out) if isinstance(out, tuple) else [out]
    device.sync()
    host = to_host(torch, returns)
    seconds = time.perf_counter() - start
    torch.save({"outputs": host, "device": str(device.device)}, request["out"])
    return {"seconds": seconds}


# -- TPU emulation for whole models (the same rules as checker/torch/tpu_emulation.cc) -----------
# Operand groups A and B of each MXU op, its bias, and an output linear in A alone.
MXU_OPS = {
    "aten::mm": (("self",), ("mat2",), None, -1),
    "aten::bmm": (("self",), ("mat2",), None, -1),
    "aten::matmul": (("self",), ("other",), None, -1),
    "aten::mv": (("self",), ("vec",), None, -1),
    "aten::dot": (("self",), ("tensor",), None, -1),
    "aten::vdot": (("self",), ("other",), None, -1),
    "aten::addmm": (("mat1",), ("mat2",), "self", -1),
    "aten::addmm_": (("mat1",), ("mat2",), "self", -1),
    "aten::baddbmm": (("batch1",), ("batch2",), "self", -1),
    "aten::baddbmm_": (("batch1",), ("batch2",), "self", -1),
    "aten::addbmm": (("batch1",), ("batch2",), "self", -1),
    "aten::addmv": (("mat",), ("vec",), "self", -1),
    "aten::linear": (("input",), ("weight",), "bias", -1),
    "aten::convolution": (("input",), ("weight",), "bias", -1),
    "aten::_convolution": (("input",), ("weight",), "bias", -1),
    "aten::convolution_backward": (("grad_output",), ("input", "weight"), None, 2),
}


def make_tpu_emulation(torch, precision):
    from torch.utils._python_dispatch import TorchDispatchMode
    tiny = torch.finfo(torch.float32).tiny

    def flush(x):
        if isinstance(x, torch.Tensor) and x.dtype in (torch.float32, torch.bfloat16):
            return x.masked_fill((x.abs() < tiny) & (x != 0), 0.0)
        return x

    def part(x, which):
        hi = x.to(torch.bfloat16).to(x.dtype)
        return hi if which == "hi" else (x - hi).to(torch.bfloat16).to(x.dtype)

    def tree(fn, value):
        if isinstance(value, (list, tuple)):
            return type(value)(tree(fn, item) for item in value)
        return fn(value)

    class TpuEmulation(TorchDispatchMode):
        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            kwargs = dict(kwargs or {})
            args = tree(flush, list(args))
            kwargs = {key: tree(flush, value) for key, value in kwargs.items()}
            spec = MXU_OPS.get(func._schema.name)
            if spec is None or precision == "highest":
                return tree(flush, func(*args, **kwargs))
            group_a, group_b, bias, linear_output = spec
            names = [a.name for a in func._schema.arguments]

            def call(a_part, b_part, keep_bias):
                new_args, new_kwargs = list(args), dict(kwargs)
                for index, name in enumerate(names):
                    if index < len(new_args):
                        holder, key = new_args, index
                    elif name in new_kwargs:
                        holder, key = new_kwargs, name
                    else:
                        continue
                    value = holder[key]
                    if not isinstance(value, torch.Tensor) or not value.is_floating_point():
                        continue
                    if name in group_a and a_part:
                        holder[key] = part(value.float(), a_part)
                    elif name in group_b and b_part:
                        holder[key] = part(value.float(), b_part)
                    elif name == bias and not keep_bias:
                        holder[key] = torch.zeros_like(value.float())
                    else:
                        holder[key] = value.float()
                return func(*new_args, **new_kwargs)

            def dtype_of(value):
                return value.dtype if isinstance(value, torch.Tensor) else None

            original = func(*args, **kwargs)
            if precision == "default":
                result = call("hi", "hi", True)
            else:  # high: bf16x3, the small terms first
                cross = call("hi", "lo", False)
                other = call("lo", "hi", False)
                main = call("hi", "hi", True)
                if isinstance(main, torch.Tensor):
                    result = (cross + other) + main
                else:
                    result = tuple(None if m is None else (c + o) + m for c, o, m in zip(cross, other, main))
            if isinstance(result, tuple):
                result = list(result)
                if linear_output >= 0:
                    result[linear_output] = original[linear_output]
                result = tuple(r if r is None else r.to(dtype_of(o)) for r, o in zip(result, original))
            else:
                result = result.to(original.dtype)
            return tree(flush, result)

    return TpuEmulation()


# The precision benchmark: the drift a target's own matmul precision explains. Like msprobe's
# free benchmark (perturb slightly, compare), every matrix-unit operand gets random relative
# noise of the size the target rounds it by: a bfloat16 rounding (unit roundoff 2^-8) at
# DEFAULT, about 14 bits at HIGH (bf16x3; torch_xla/backends/__init__.py); nothing at HIGHEST.
BENCHMARK_NOISE = {"default": 2.0 ** -8, "high": 2.0 ** -14}
BENCHMARK_RUNS = 3


def make_precision_benchmark(torch, precision, seed):
    from torch.utils._python_dispatch import TorchDispatchMode
    size = BENCHMARK_NOISE[precision]
    generator = torch.Generator().manual_seed(seed)

    def noisy(x):
        noise = (torch.rand(x.shape, generator=generator, dtype=torch.float64) * 2 - 1) * size
        return (x.double() * (1 + noise)).to(x.dtype)

    class PrecisionNoise(TorchDispatchMode):
        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            kwargs = dict(kwargs or {})
            spec = MXU_OPS.get(func._schema.name)
            if spec is None:
                return func(*args, **kwargs)
            group_a, group_b = spec[0], spec[1]
            args = list(args)
            for index, argument in enumerate(func._schema.arguments):
                if argument.name not in group_a and argument.name not in group_b:
                    continue
                if index < len(args):
                    holder, key = args, index
                elif argument.name in kwargs:
                    holder, key = kwargs, argument.name
                else:
                    continue
                value = holder[key]
                if isinstance(value, torch.Tensor) and value.is_floating_point():
                    holder[key] = noisy(value)
            return func(*args, **kwargs)

    return PrecisionNoise()


def damage_hooks(torch, model, specs):
    """--perturb for whole models (a test of the checker, not a device): the named modules'
    outputs are damaged in the candidate run, each floating element 10% off (alternating
    sign), or `NAME=float16` rounded to float16."""
    modules = dict(model.named_modules())
    handles = []
    for spec in specs:
        name, _, kind = spec.partition("=")
        if name not in modules:
            raise ValueError("--perturb %s: the model has no module %r (it has %s)"
                             % (spec, name, ", ".join(sorted(n for n in modules if n)[:12])))

        def hook(module, args, output, kind=kind):
            def damage(x):
                if not isinstance(x, torch.Tensor) or not x.is_floating_point() or x.numel() == 0:
                    return x
                if kind == "float16":
                    return x.half().to(x.dtype)
                sign = torch.arange(x.numel(), device=x.device).remainder(2).mul(2).sub(1).reshape(x.shape)
                return x * (1 + 0.1 * sign.to(x.dtype))
            if isinstance(output, (list, tuple)):
                return type(output)(damage(item) for item in output)
            return damage(output)
        handles.append(modules[name].register_forward_hook(hook))
    return handles


# -- whole models -------------------------------------------------------------------------------
def parse_input(torch, spec, generator):
    """`float32[8,16]`, `int64[4,32]:0:100` (integers uniform in [low, high), default [0, 10))."""
    head, _, bounds = spec.partition(":")
    name, _, dims = head.partition("[")
    dtype = getattr(torch, name.strip(), None)
    if not isinstance(dtype, torch.dtype) or not dims.endswith("]"):
        raise ValueError("bad --input %r (expected like float32[8,16] or int64[4,32]:0:100)" % spec)
    shape = [int(d) for d in dims[:-1].split(",") if d.strip()]
    if dtype.is_floating_point or dtype.is_complex:
        return torch.randn(shape, generator=generator, dtype=torch.float64).to(dtype)
    if dtype == torch.bool:
        return torch.rand(shape, generator=generator) < 0.5
    low, high = 0, 10
    if bounds:
        parts = bounds.split(":")
        low = int(parts[0])
        high = int(parts[1]) if len(parts) > 1 and parts[1] else low + 10
    return torch.randint(low, high, shape, generator=generator, dtype=dtype)


def load_model(torch, spec, cwd, notes):
    if os.path.isfile(spec):
        notes.append("TorchScript module loaded with torch.jit.load")
        return "torchscript", (lambda: torch.jit.load(spec, map_location="cpu")), None
    module_name, _, attribute = spec.partition(":")
    if not attribute:
        raise ValueError("--model must be a TorchScript file or module:callable, not %r" % spec)
    if cwd and cwd not in sys.path:
        sys.path.insert(0, cwd)
    target = importlib.import_module(module_name)
    for part in attribute.split("."):
        target = getattr(target, part)
    built = target() if callable(target) and not isinstance(target, torch.nn.Module) else target
    example = None
    if isinstance(built, tuple) and len(built) == 2:
        built, example = built
        example = list(example) if isinstance(example, (list, tuple)) else [example]
    if not isinstance(built, torch.nn.Module):
        raise ValueError("%s returned %s, not a torch.nn.Module" % (spec, type(built).__name__))
    return "python", (lambda: copy.deepcopy(built)), example


def flat_tensors(torch, value, name):
    if isinstance(value, torch.Tensor):
        return [(name, value)]
    if isinstance(value, (list, tuple)):
        out = []
        for index, item in enumerate(value):
            out += flat_tensors(torch, item, "%s[%d]" % (name, index))
        return out
    if isinstance(value, dict):
        out = []
        for key in value:
            out += flat_tensors(torch, value[key], "%s[%s]" % (name, key))
        return out
    return []


def run_model(torch, make, inputs, device, dtype, mode, cotangent_seed, notes, perturb=()):
    """One forward and backward; returns [(name, kind, tensor on the CPU)] in forward order,
    then the loss, then gradients in backward order. `perturb`: modules to damage (--perturb)."""
    model = make()
    if dtype is not None:
        model = model.to(dtype)
    model = model.to(device)
    model.train()
    captured, seen, hooks = [], {}, []
    # Before the capture hooks, so that they see the damaged output.
    damage = damage_hooks(torch, model, perturb) if perturb else []

    def hook_for(name):
        def hook(module, args, output):
            count = seen[name] = seen.get(name, 0) + 1
            label = name if count == 1 else "%s#%d" % (name, count)
            for item_name, tensor in flat_tensors(torch, output, label):
                captured.append((item_name, "output", tensor.detach().to("cpu").clone()))
        return hook

    try:
        for name, module in model.named_modules():
            hooks.append(module.register_forward_hook(hook_for(name or "(model)")))
    except Exception as error:  # TorchScript modules take no hooks after scripting
        for handle in hooks:
            handle.remove()
        hooks = []
        notes.append("module outputs are compared at the top level only (%s)" % str(error).splitlines()[0])

    def cast(x):
        if isinstance(x, torch.Tensor) and x.is_floating_point() and dtype is not None:
            x = x.to(dtype)
        return x.to(device) if isinstance(x, torch.Tensor) else x

    args = [cast(x) for x in inputs]
    context = mode if mode is not None else _Nothing()
    with context:
        output = model(*args)
        outputs = [(n, t) for n, t in flat_tensors(torch, output, "(output)") if t.is_floating_point()]
        if not hooks:
            for n, t in outputs:
                captured.append((n, "output", t.detach().to("cpu").clone()))
        generator = torch.Generator().manual_seed(cotangent_seed)
        loss = None
        scale = 0.0
        for _, tensor in outputs:
            # A fixed random cotangent instead of .sum(): every output element gets its own
            # weight, so a gradient cannot hide an error by cancellation.
            weight = torch.randn(tensor.shape, generator=generator, dtype=torch.float64)
            term = (tensor * weight.to(tensor.dtype).to(tensor.device)).sum()
            loss = term if loss is None else loss + term
            # The loss's own condition: sum |w * y|. Its terms cancel, so its error is judged
            # against this scale, not against |loss| (which can be near zero).
            scale += float((tensor.detach().to("cpu", torch.float64) * weight).abs().sum())
        if loss is not None and loss.requires_grad:
            loss.backward()
    for handle in hooks + damage:
        handle.remove()
    if loss is not None:
        captured.append(("(loss)", "loss", loss.detach().to("cpu").clone()))
        captured.append(("(loss)", "loss-scale", torch.tensor(scale, dtype=torch.float64)))
    grads = [(name, p.grad) for name, p in model.named_parameters() if p.grad is not None]
    for name, grad in reversed(grads):  # backward reaches the last layers first
        captured.append((name, "grad", grad.detach().to("cpu").clone()))
    return captured


class _Nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def check_model(torch, request):
    notes = []
    loader, make, example = load_model(torch, request["model"], request.get("cwd") or "", notes)
    generator = torch.Generator().manual_seed(int(request.get("seed", 0)))
    if request.get("inputs"):
        inputs = [parse_input(torch, spec, generator) for spec in request["inputs"]]
    elif example is not None:
        inputs = example
    else:
        raise ValueError("give the model's inputs with --input (e.g. --input 'float32[8,16]')")
    target = Device(torch, request["device"], request.get("precision", "default"))
    mode = None
    if request.get("emulate") == "tpu":
        mode = make_tpu_emulation(torch, request.get("precision", "default"))
        notes.append("TPU arithmetic emulated with a TorchDispatchMode (precision %s)" % request.get("precision"))
    seed = int(request.get("seed", 0)) + 1
    start = time.perf_counter()
    torch.manual_seed(seed)
    reference = run_model(torch, make, inputs, "cpu", torch.float64, None, seed, notes)
    torch.manual_seed(seed)
    baseline = run_model(torch, make, inputs, "cpu", None, None, seed, [])
    torch.manual_seed(seed)
    candidate = run_model(torch, make, inputs, target.device, None, mode, seed, [], request.get("perturb") or ())
    benchmarks, benchmark_label = [], None
    precision = request.get("precision", "default")
    reduced = request.get("emulate") == "tpu" or target.xm is not None
    if reduced and precision in BENCHMARK_NOISE:
        for run_index in range(BENCHMARK_RUNS):
            torch.manual_seed(seed)
            noise = make_precision_benchmark(torch, precision, seed * 1000 + run_index)
            benchmarks.append({n: t for n, k, t in run_model(torch, make, inputs, "cpu", None, noise, seed, [])
                               if k != "loss-scale"})
        benchmark_label = "the worst of %d runs with %s-sized noise on the matrix-unit operands" % (
            BENCHMARK_RUNS, "bfloat16-rounding" if precision == "default" else "2^-14")
    seconds = time.perf_counter() - start
    by_name = [{n: t for n, k, t in run if k != "loss-scale"} for run in (baseline, candidate)]
    loss_scale = next((t for _, k, t in reference if k == "loss-scale"), None)
    layers = []
    for name, kind, tensor in reference:
        if kind == "loss-scale" or not tensor.is_floating_point():
            continue
        layer = {"name": name, "kind": kind, "reference": tensor,
                 "candidate": by_name[1].get(name), "baseline": by_name[0].get(name),
                 "benchmarks": [run[name] for run in benchmarks if name in run]}
        if kind == "loss" and loss_scale is not None:
            layer["scale"] = loss_scale
        layers.append(layer)
    run_file = {"format": RUN_FORMAT, "loader": loader, "notes": notes, "layers": layers}
    if benchmark_label:
        run_file["benchmark"] = benchmark_label
    torch.save(run_file, request["out"])
    return {"seconds": seconds, "notes": notes}


# -- the loop -----------------------------------------------------------------------------------
def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--precision", default="default")
    options = parser.parse_args()
    hello = {"protocol": PROTOCOL, "ok": False}
    try:
        import torch
        hello["torch"] = torch.__version__
        device = Device(torch, options.device, options.precision)
        hello.update(ok=True, device=str(device.device), description=device.description,
                     precision=device.precision_note)
    except Exception as error:
        hello["error"] = "%s: %s" % (type(error).__name__, error)
        send(hello)
        return 0
    send(hello)
    devices = {options.device: device}
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        command = request.get("cmd")
        if command == "exit":
            break
        reply = {"id": request.get("id", 0)}
        try:
            if command == "replay":
                name = request.get("device") or options.device
                if name not in devices:
                    devices[name] = Device(torch, name, request.get("precision", options.precision))
                reply.update(replay(torch, devices[name], request))
            elif command == "model":
                reply.update(check_model(torch, request))
            else:
                raise ValueError("unknown command %r" % command)
            reply["ok"] = True
        except Skip as reason:
            reply.update(ok=False, kind="skip", error=str(reason))
        except Exception as error:
            detail = traceback.format_exc(limit=-3).strip().splitlines()
            reply.update(ok=False, kind="error", error="%s: %s" % (type(error).__name__, error),
                         traceback=detail[-6:])
        if not math.isfinite(reply.get("seconds", 0.0)):
            reply["seconds"] = 0.0
        send(reply)
    return 0


if __name__ == "__main__":
    sys.exit(main())
