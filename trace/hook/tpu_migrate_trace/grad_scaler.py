# SPDX-License-Identifier: Apache-2.0
"""`--cuda-as-cpu` GradScaler: the scaler works as on a GPU (the loss is scaled, gradients are
unscaled and checked, a step with inf/NaN gradients is skipped, the scale backs off and grows).

torch 1.13 has CUDA kernels only for the two ops GradScaler needs; the CPU kernels registered
here do what the CUDA ones do (aten/src/ATen/native/cuda/AmpKernels.cu), so the trace records
the same ops. GradScaler also asserts that the loss `is_cuda`; here it is a CPU tensor that
stands for a CUDA one, so that check is satisfied for the length of `scale()` only."""
import functools

_library = None


def install(torch):
    global _library
    library = torch.library.Library("aten", "IMPL")
    for name, kernel in (("_amp_foreach_non_finite_check_and_unscale_", _check_and_unscale(torch)),
                         ("_amp_update_scale_", _update_scale(torch))):
        if not torch._C._dispatch_has_kernel_for_dispatch_key("aten::" + name, "CPU"):
            library.impl(name, kernel, "CPU")
    _library = library
    _patch_asserts(torch)


def _check_and_unscale(torch):
    def kernel(grads, found_inf, inv_scale):
        # Every gradient is multiplied by inv_scale; found_inf becomes 1.0 if any is not finite.
        for grad in grads:
            if not bool(torch.isfinite(grad).all()):
                found_inf.fill_(1.0)
            grad.mul_(inv_scale.to(grad.dtype) if grad.dtype != inv_scale.dtype else inv_scale)
    return kernel


def _update_scale(torch):
    def kernel(scale, growth_tracker, found_inf, growth_factor, backoff_factor, growth_interval):
        if float(found_inf.item()) != 0.0:
            scale.mul_(backoff_factor)
            growth_tracker.fill_(0)
        else:
            successful = int(growth_tracker.item()) + 1
            if successful == growth_interval:
                grown = float(scale.item()) * growth_factor
                if grown != float("inf"):  # the scale never grows past float32's range
                    scale.fill_(grown)
                growth_tracker.fill_(0)
            else:
                growth_tracker.fill_(successful)
        return scale
    return kernel


def _patch_asserts(torch):
    module = getattr(getattr(torch.cuda, "amp", None), "grad_scaler", None)
    if module is None:
        return
    replicator = getattr(module, "_MultiDeviceReplicator", None)
    if replicator is not None:
        def __init__(self, master_tensor):
            self.master = master_tensor
            self._per_device_tensors = {}
        replicator.__init__ = __init__
    scaler = getattr(module, "GradScaler", None)
    if scaler is None:
        return
    original_scale = scaler.scale

    @functools.wraps(original_scale)
    def scale(self, outputs):
        tensor = torch.Tensor
        tensor.is_cuda = property(lambda t: t.device.type in ("cpu", "cuda"))
        try:
            return original_scale(self, outputs)
        finally:
            del tensor.is_cuda  # back to torch's own property

    scaler.scale = scale
