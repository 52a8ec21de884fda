# SPDX-License-Identifier: Apache-2.0
"""Runs a callback right after a given module has been imported (at once if it already is):
the hook patches libraries the program may import later (torch.utils.cpp_extension, triton)
without importing them itself."""
import importlib.abc
import sys


def spec_from_other_finders(name, path, target, asking):
    """The spec the finders on sys.meta_path other than `asking` give for a module, or None: a
    finder that wraps a loader asks the others for the loader it wraps."""
    for finder in sys.meta_path:
        find = getattr(finder, "find_spec", None) if finder is not asking else None
        if find is not None:
            spec = find(name, path, target)
            if spec is not None:
                return spec
    return None


class AfterImport(importlib.abc.MetaPathFinder):
    def __init__(self, report_error):
        self._waiting = {}  # module name -> callbacks
        self._report_error = report_error

    def add(self, name, callback):
        module = sys.modules.get(name)
        if module is not None:
            self._run(callback, module)
            return
        self._waiting.setdefault(name, []).append(callback)
        if self not in sys.meta_path:
            sys.meta_path.insert(0, self)

    def find_spec(self, name, path, target=None):
        callbacks = self._waiting.pop(name, None)
        if callbacks is None:
            return None
        spec = spec_from_other_finders(name, path, target, self)  # its loader gets wrapped
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        original = spec.loader.exec_module

        def exec_module(module):
            original(module)
            for callback in callbacks:
                self._run(callback, module)

        spec.loader.exec_module = exec_module
        return spec

    def _run(self, callback, module):
        try:
            callback(module)
        except Exception as error:  # the program imports its module regardless
            self._report_error(f"patching {module.__name__}: {error!r}")
