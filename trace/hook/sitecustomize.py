# SPDX-License-Identifier: Apache-2.0
"""Injected by `tpu-migrate trace` (PYTHONPATH): starts the op recorder in every Python process
of the traced program, then runs the sitecustomize this one shadows, so the user's and the
distribution's own start-up code still runs. The user's files are never touched."""
import importlib.machinery
import importlib.util
import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))


def _chain_next_sitecustomize():
    # The next sitecustomize on sys.path after this folder (Debian ships one in /usr/lib/python3.X).
    path = [p for p in sys.path if os.path.abspath(p or ".") != _HERE]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", path)
    if spec is None or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as error:  # a broken sitecustomize must not hide the program's own output
        sys.stderr.write(f"tpu-migrate trace: the chained sitecustomize failed: {error!r}\n")


def _start():
    if not os.environ.get("TPU_MIGRATE_TRACE_DIR"):
        return
    try:
        import tpu_migrate_trace
        tpu_migrate_trace.bootstrap()
    except Exception as error:  # never stop the user's program because the hook broke
        sys.stderr.write(f"tpu-migrate trace: hook disabled: {error!r}\n")


_start()
_chain_next_sitecustomize()
