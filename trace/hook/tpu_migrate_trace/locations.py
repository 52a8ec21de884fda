# SPDX-License-Identifier: Apache-2.0
"""The user source line behind an op: the innermost Python frame that is neither torch, nor an
installed package (site-packages / dist-packages), nor the standard library, nor this hook."""
import os
import sys
import sysconfig


class LocationFinder:
    def __init__(self, torch_module):
        prefixes = {os.path.dirname(os.path.abspath(torch_module.__file__)) + os.sep,
                    os.path.dirname(os.path.abspath(__file__)) + os.sep}
        for key in ("stdlib", "platstdlib"):
            path = sysconfig.get_paths().get(key)
            if path:
                prefixes.add(os.path.abspath(path) + os.sep)
        self._prefixes = tuple(prefixes)
        self._user = {}  # co_filename -> absolute path when user code, "" when not

    def _classify(self, filename):
        if filename.startswith("<"):
            # "<string>" (python -c) and "<stdin>" are the user's; "<frozen ...>" is not.
            return "" if filename.startswith("<frozen") else filename
        path = os.path.abspath(filename)
        if path.startswith(self._prefixes) or "/site-packages/" in path or "/dist-packages/" in path:
            return ""
        return path

    def find(self, skip=2):
        """(path, line) of the innermost user frame; (first non-hook frame, line) when the stack
        holds no user code (a DataLoader collate, a torch thread); ("", 0) when there is none."""
        frame = sys._getframe(skip)
        user = self._user
        fallback = None
        while frame is not None:
            filename = frame.f_code.co_filename
            path = user.get(filename)
            if path is None:
                path = user[filename] = self._classify(filename)
            if path:
                return path, frame.f_lineno
            if fallback is None and "tpu_migrate_trace" not in filename:
                fallback = frame
            frame = frame.f_back
        if fallback is not None:
            return os.path.abspath(fallback.f_code.co_filename), fallback.f_lineno
        return "", 0
