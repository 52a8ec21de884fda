# SPDX-License-Identifier: Apache-2.0
"""The hook's settings, read from the variables `tpu-migrate trace` exports (names listed in
docs/trace-format.md). Every process of the program inherits them."""
import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    out_dir: str                 # the trace folder (absolute)
    cuda_as_cpu: bool            # redirect CUDA requests to the CPU (cuda_as_cpu.py)
    limit_ops: int               # stop recording (and ask for a stop) after this many calls; 0 = none
    samples_per_op: int          # sampled calls kept per (op overload, input dtypes)
    max_tensor_bytes: int        # a larger tensor is described, not saved
    max_sample_bytes: int        # all processes together (a ledger file under samples/)
    flush_seconds: float         # a part is rewritten at most this often while ops run
    max_sites_shapes: int        # exact shape signatures kept per (op, source line)


def _int(name, default):
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


def from_environment():
    out_dir = os.environ.get("TPU_MIGRATE_TRACE_DIR")
    if not out_dir:
        return None
    return Settings(
        out_dir=os.path.abspath(out_dir),
        cuda_as_cpu=os.environ.get("TPU_MIGRATE_TRACE_CUDA_AS_CPU") == "1",
        limit_ops=_int("TPU_MIGRATE_TRACE_LIMIT_OPS", 0),
        samples_per_op=_int("TPU_MIGRATE_TRACE_SAMPLES_PER_OP", 2),
        max_tensor_bytes=_int("TPU_MIGRATE_TRACE_MAX_TENSOR_BYTES", 4 << 20),
        max_sample_bytes=_int("TPU_MIGRATE_TRACE_MAX_SAMPLE_BYTES", 64 << 20),
        flush_seconds=float(os.environ.get("TPU_MIGRATE_TRACE_FLUSH_SECONDS", "2")),
        max_sites_shapes=_int("TPU_MIGRATE_TRACE_MAX_SHAPES_PER_SITE", 64),
    )
