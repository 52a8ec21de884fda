# SPDX-License-Identifier: Apache-2.0
"""Counts every aten op call by (op overload, user source line) and, under each, by exact
signature (input dtypes and shapes, output dtypes, device), with the cheapest per-call path we
could find: no pytree, no string formatting until a part is written.

A "site" is one (op overload, source line). It keeps at most `max_sites_shapes` exact
signatures; later new ones are folded into power-of-two buckets so memory stays bounded on
programs whose shapes never repeat (the overflow itself is the recompilation hazard)."""
import time

from .cuda_only import KIND as CUDA_ONLY, op_without_kernel


def _bucket(n):
    return n if n <= 1 else 1 << (n - 1).bit_length()


class Site:
    __slots__ = ("func", "path", "line", "signatures", "steps", "last_step", "overflow",
                 "first_step", "late_shapes")

    def __init__(self, func, path, line, step):
        self.func = func
        self.path = path
        self.line = line
        self.signatures = {}  # (in dtypes, in shapes, out dtypes, device, out device) -> count
        self.steps = 0
        self.last_step = -1
        self.overflow = False
        # New signatures first seen after the step this line first ran in: a loop over
        # parameters repeats its shapes every step, a growing sequence brings new ones.
        self.first_step = step
        self.late_shapes = 0


class Recorder:
    def __init__(self, torch_module, settings, locations, sampler, on_limit):
        self._tensor = torch_module.Tensor
        self._locations = locations
        self._sampler = sampler
        self._max_shapes = settings.max_sites_shapes
        self._limit = settings.limit_ops
        self._on_limit = on_limit
        self.flush_seconds = settings.flush_seconds
        self.flush = None  # set by the session: writes the part file
        # How an op runs: plainly, or (--cuda-as-cpu) through low_precision.LowPrecisionFallback.
        self.run = lambda func, args, kwargs: func(*args, **kwargs)
        self.reset()

    def reset(self):
        self.sites = {}
        self.events = {}  # (kind, what, path, line) -> count
        self.total = 0
        self.step = 0
        self.active = True
        self.limit_reached = False
        self.last_flush = time.monotonic()
        self.errors = []

    # -- the per-call path --------------------------------------------------------------------
    def _describe(self, values):
        tensor = self._tensor
        dtypes, shapes, device = [], [], None
        for value in values:
            if isinstance(value, tensor):
                dtypes.append(value.dtype)
                shapes.append(tuple(value.shape))
                if device is None:
                    device = value.device
            elif type(value) in (list, tuple) and value:
                for item in value:
                    if isinstance(item, tensor):
                        dtypes.append(item.dtype)
                        shapes.append(tuple(item.shape))
                        if device is None:
                            device = item.device
        return dtypes, shapes, device

    def call(self, func, args, kwargs):
        """Runs `func` and records it; the dispatch mode is disabled while this runs."""
        if not self.active:
            return self.run(func, args, kwargs)
        self.total += 1
        path, line = self._locations.find(3)
        in_dtypes, in_shapes, device = self._describe(args)
        if kwargs:
            k_dtypes, k_shapes, k_device = self._describe(kwargs.values())
            in_dtypes += k_dtypes
            in_shapes += k_shapes
            device = device or k_device
        sampler = self._sampler
        sample_key = (func, tuple(in_dtypes))
        inputs = None
        if sampler.wants(sample_key):
            try:
                inputs = sampler.capture_inputs(func, args, kwargs)
            except Exception as error:
                self._error(f"sampling the inputs of {func}: {error!r}")
        try:
            out = self.run(func, args, kwargs)
        except (NotImplementedError, RuntimeError) as error:
            # An op with no kernel for these tensors (a CUDA extension's op under --cuda-as-cpu):
            # noted at the user's line, then the program gets its own error.
            what = op_without_kernel(error)
            if what is not None:
                key = (CUDA_ONLY, what, path, line)
                self.events[key] = self.events.get(key, 0) + 1
            raise
        if isinstance(out, self._tensor):
            out_dtypes, out_device = (out.dtype,), out.device
        elif type(out) in (tuple, list):
            dts, _, out_device = self._describe(out)
            out_dtypes = tuple(dts)
        else:
            out_dtypes, out_device = (), None
        if device is None:
            device = out_device
        signature = (tuple(in_dtypes), tuple(in_shapes), out_dtypes, device,
                     out_device if out_device != device else None)
        site_key = (func, path, line)
        site = self.sites.get(site_key)
        if site is None:
            site = self.sites[site_key] = Site(func, path, line, self.step)
        signatures = site.signatures
        if signature in signatures:
            signatures[signature] += 1
        elif len(signatures) < self._max_shapes:
            signatures[signature] = 1
            if self.step != site.first_step:
                site.late_shapes += 1
        else:
            site.overflow = True
            bucketed = (signature[0], tuple(tuple(_bucket(d) for d in s) for s in signature[1])) + signature[2:]
            signatures[bucketed] = signatures.get(bucketed, 0) + 1
        if site.last_step != self.step:
            site.last_step = self.step
            site.steps += 1
        if inputs is not None:
            try:
                sampler.finish(sample_key, func, inputs, out, (path, line), in_dtypes)
            except Exception as error:
                self._error(f"sampling {func}: {error!r}")
        if self._limit and self.total >= self._limit:
            self.active = False
            self.limit_reached = True
            self._on_limit()
        elif not (self.total & 1023) and time.monotonic() - self.last_flush > self.flush_seconds:
            self.flush(final=False)
        return out

    # -- other facts --------------------------------------------------------------------------
    def event(self, kind, what):
        """Something seen without an op: a host transfer (cuda-as-cpu `.cpu()` on a 'CUDA'
        tensor), a call into CUDA-only code (cuda_only.py)."""
        if not self.active:
            return
        path, line = self._locations.find(3)
        key = (kind, what, path, line)
        self.events[key] = self.events.get(key, 0) + 1

    def next_step(self):
        self.step += 1

    def _error(self, message):
        if len(self.errors) < 20:
            self.errors.append(message)
