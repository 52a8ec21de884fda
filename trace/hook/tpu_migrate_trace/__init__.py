# SPDX-License-Identifier: Apache-2.0
"""The in-process half of `tpu-migrate trace`: waits for `import torch`, then (optionally)
redirects CUDA to the CPU and records every aten op the process dispatches.

Configuration comes from the environment that `tpu-migrate trace` sets (config.py); the
trace format is docs/trace-format.md."""
import importlib.abc
import importlib.machinery
import sys

from . import config as _config
from .import_hooks import spec_from_other_finders

_started = False


def bootstrap():
    """Arms the hook: activation happens right after torch finishes importing."""
    settings = _config.from_environment()
    if settings is None:
        return
    if "torch" in sys.modules:
        _activate(settings)
    else:
        sys.meta_path.insert(0, _TorchImportHook(settings))


def _activate(settings):
    global _started
    if _started:
        return
    _started = True
    from . import session
    session.start(settings)


class _TorchImportHook(importlib.abc.MetaPathFinder):
    """Finds `torch` with the other finders and wraps its loader so that activation runs once
    torch/__init__.py has completed (a half-imported torch cannot be patched)."""

    def __init__(self, settings):
        self._settings = settings

    def find_spec(self, name, path, target=None):
        if name != "torch":
            return None
        sys.meta_path.remove(self)
        spec = spec_from_other_finders(name, path, target, self)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        loader = spec.loader
        original = loader.exec_module
        settings = self._settings

        def exec_module(module):
            original(module)
            try:
                _activate(settings)
            except Exception as error:  # the program runs on untraced rather than failing
                sys.stderr.write(f"tpu-migrate trace: hook disabled: {error!r}\n")

        loader.exec_module = exec_module
        return spec
