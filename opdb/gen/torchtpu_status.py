# SPDX-License-Identifier: Apache-2.0
"""TorchTPU (`torch_tpu`, device "tpu", a PrivateUse1 backend) status per aten overload.

Inputs, from ../shared/upstream/torch-tpu/ (NOTES.md says how they were extracted):
  registered_aten_ops.tsv           the overloads TorchTPU registers a kernel for (PrivateUse1, plus
                                    `max_pool2d` at AutogradPrivateUse1), with the source commit
  inferred_structured_variants.tsv  functional/in-place overloads whose structured_delegate is a
                                    registered out= kernel (INFERRED: upstream codegen routes them there)

TorchTPU's boxed fallback raises ("operator ... is not implemented for TPU") unless the program
switches the CPU fallback on; PyTorch/XLA instead runs such ops on the CPU silently. So the rules,
first match wins:
  1. registered                                                     -> lowered (kernel)
  2. inferred structured variant (its delegate must be registered)  -> lowered (structured_delegate)
  3. autogen rows: the answer of the entry that generates them
  4. CompositeImplicitAutograd / CompositeExplicitAutograd(NonFunctional) -> decomposed
  5. only sparse/quantized/nested kernels (the sparse fallback always raises) -> unsupported
  6. a CPU kernel: raises; runs on the CPU only with the opt-in fallback -> unsupported
  7. otherwise (no CPU kernel either)                               -> unsupported
Composite rows are then refined by their callees (decompositions.py), as for every target.
"""

import yaml_io
from status_row import LOWERED, UNSUPPORTED, StatusRow, autogen_status, classify_in_order, composite_status

# The switch TorchTPU reads before running an op without a kernel on the CPU (TARGETS.md,
# "TorchTPU as released"; older versions: torch_tpu cpu_fallback_mode(enabled)).
CPU_FALLBACK_SWITCH = "torch_tpu._internal.execution_mode.enable_cpu_fallback = True"
OPT_IN_REASON = ("no TorchTPU kernel: the call raises NotImplementedError (not implemented for TPU); it runs on "
                 f"the CPU only when the program enables TorchTPU's CPU fallback ({CPU_FALLBACK_SWITCH})")


def _rows_with_header(path: str, first_column: str) -> list:
    """Data rows of an upstream TSV whose first non-comment line names the columns."""
    rows = yaml_io.read_tsv(path)
    if not rows or rows[0][0] != first_column:
        raise ValueError(f"{path}: expected a header line starting with `{first_column}`")
    return rows[1:]


def load_registered(path: str) -> dict:
    """overload -> notes (dispatch key, OpName) for every registered aten overload."""
    return {fields[0]: (fields[4] if len(fields) > 4 else "") for fields in _rows_with_header(path, "overload")}


def load_inferred(path: str) -> set:
    return {fields[0] for fields in _rows_with_header(path, "overload")}


class TorchTpuRules:
    def __init__(self, rows: list, registered: dict, inferred: set):
        by_name = {r.overload: r for r in rows}
        for overload in sorted(inferred):
            row = by_name.get(overload)
            if row is None:
                raise ValueError(f"inferred_structured_variants.tsv: `{overload}` is not a torch overload")
            if row.delegate not in registered:
                raise ValueError(f"inferred_structured_variants.tsv: `{overload}` delegates to "
                                 f"`{row.delegate or 'nothing'}`, which TorchTPU does not register")
        self._registered = registered
        self._inferred = inferred
        # Registered names torch does not define (`ctc_loss` with no overload): no row to give a status.
        self.unmatched = sorted(set(registered) - set(by_name))

    def classify_all(self, rows: list) -> dict:
        return classify_in_order(rows, self._classify)

    def _classify(self, row, done: dict) -> StatusRow:
        if row.overload in self._registered:
            only_autograd = self._registered[row.overload].startswith("key=AutogradPrivateUse1 only")
            key = "AutogradPrivateUse1" if only_autograd else "PrivateUse1"
            return StatusRow(row.overload, LOWERED, "kernel", f"TorchTPU kernel (registered at {key})", "torchtpu")
        if row.overload in self._inferred:
            return StatusRow(row.overload, LOWERED, "structured_delegate",
                             f"reaches TorchTPU's {row.delegate} kernel through PyTorch's generated "
                             "functional/in-place wrapper (inferred)", "torchtpu_inferred")
        if (inherited := autogen_status(row, done)) is not None:
            return inherited
        if (composite := composite_status(row)) is not None:
            return composite
        if row.nondense_only:
            return StatusRow(row.overload, UNSUPPORTED, "nondense_only",
                             "only sparse/quantized/nested kernels exist; TorchTPU raises for sparse tensors and "
                             "has no kernel", "torchtpu")
        if row.has_backend("CPU"):
            return StatusRow(row.overload, UNSUPPORTED, "cpu_fallback_opt_in", OPT_IN_REASON, "torchtpu")
        return StatusRow(row.overload, UNSUPPORTED, "no_cpu_kernel",
                         "no TorchTPU kernel and no CPU kernel: the call raises even with the CPU fallback on",
                         "torchtpu")
