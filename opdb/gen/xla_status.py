# SPDX-License-Identifier: Apache-2.0
"""PyTorch/XLA status per aten overload, by the rules of ../shared/upstream/PROVENANCE.md §4.

Applied in order, first match wins:
  1. listed in any section of xla_native_functions.yaml                      -> lowered
  2. its functional sibling is listed (in-place / out= via functionalization) -> lowered
  3. `<name>_copy.<overload>` is listed (view op functionalized to its copy)  -> lowered
  4. native_layer_norm_backward / native_group_norm_backward                  -> decomposed (never dispatched)
  5. CompositeImplicitAutograd (explicit, or no dispatch table)               -> decomposed
  6. CompositeExplicitAutograd(NonFunctional)                                 -> decomposed
  7. only sparse/quantized/nested/mkldnn kernels -> unsupported; a CPU kernel (own or via its
     structured_delegate) -> fallback; otherwise -> unsupported (the fallback would fail)
  8. a lowered row whose overload or functional sibling has an entry in
     xla_cpu_fallback_conditions.tsv keeps `lowered` with that condition, or becomes `fallback`
     when the condition starts with ALWAYS (nonzero, masked_select, _local_scalar_dense).
Autogen rows not caught by 1-3 take the answer of the entry that generates them.
Composite rows are then refined by the decomposition table (decompositions.py).
"""

import yaml_io
from signature_groups import SignatureGroups
from status_row import (DECOMPOSED, FALLBACK, LOWERED, UNSUPPORTED, StatusRow, autogen_status,
                        classify_in_order, composite_status)

XLA_SECTIONS = ("full_codegen", "ir_gen", "supported", "symint", "autograd")
# XLA registers these forward ops at AutogradXLA and differentiates their math decomposition,
# so the backward ops below are never dispatched on XLA (PROVENANCE.md §2).
_BYPASSED_BY_XLA_AUTOGRAD = {
    "native_layer_norm_backward": "native_layer_norm",
    "native_group_norm_backward": "native_group_norm",
}


def load_xla_sections(path: str) -> dict:
    """overload -> sorted list of the xla_native_functions.yaml sections that list it."""
    data = yaml_io.load_yaml(path)
    sections = {}
    for section in XLA_SECTIONS:
        for name in data.get(section) or ():
            sections.setdefault(name, []).append(section)
    return sections


def load_fallback_conditions(path: str) -> dict:
    """overload (or `ns::op` for non-aten ops) -> condition text."""
    return {row[0]: row[1] for row in yaml_io.read_tsv(path) if len(row) >= 2}


class XlaRules:
    def __init__(self, rows: list, xla_sections: dict, conditions: dict):
        self._rows = {r.overload: r for r in rows}
        self._groups = SignatureGroups(rows)
        self._xla = xla_sections
        self._conditions = conditions

    def classify_all(self, rows: list) -> dict:
        return classify_in_order(rows, self._classify)

    def _classify(self, row, done: dict) -> StatusRow:
        lowered = self._lowered(row)
        if lowered is not None:
            return self._with_condition(row, lowered)
        if (inherited := autogen_status(row, done)) is not None:
            return inherited
        if row.overload in _BYPASSED_BY_XLA_AUTOGRAD:
            forward = _BYPASSED_BY_XLA_AUTOGRAD[row.overload]
            return StatusRow(row.overload, DECOMPOSED, "bypassed_by_xla_autograd",
                             f"never dispatched on XLA: XLA differentiates {forward}'s math kernel itself",
                             "xla")
        if (composite := composite_status(row)) is not None:
            return composite
        if row.nondense_only:
            return StatusRow(row.overload, UNSUPPORTED, "nondense_only",
                             "only sparse/quantized/nested kernels exist; XLA supports none of them", "torch")
        if row.has_backend("CPU"):
            return StatusRow(row.overload, FALLBACK, "cpu_fallback",
                             "no XLA lowering; CPU fallback (host round trip per call)", "torch")
        backends = ", ".join(sorted(k for k in row.kernel_keys if k in ("CUDA", "MPS", "XPU", "MTIA"))) or "none"
        return StatusRow(row.overload, UNSUPPORTED, "no_cpu_kernel",
                         f"no XLA lowering and no CPU kernel to fall back to (kernels: {backends})", "torch")

    def _lowered(self, row):
        """A lowered StatusRow by rules 1-3, or None."""
        if row.overload in self._xla:
            sections = "/".join(self._xla[row.overload])
            return StatusRow(row.overload, LOWERED, "lowered",
                             f"XLA lowering (xla_native_functions.yaml: {sections})", "xla")
        sibling = self._groups.functional_sibling(row)
        if sibling in self._xla:
            return StatusRow(row.overload, LOWERED, "lowered",
                             f"in-place/out= variant of {sibling}, which XLA lowers", "xla")
        name, _, suffix = row.overload.partition(".")
        copy_name = f"{name}_copy" + (f".{suffix}" if suffix else "")
        if copy_name in self._xla:
            return StatusRow(row.overload, LOWERED, "lowered",
                             f"view op functionalized to {copy_name}, which XLA lowers", "xla")
        return None

    def _with_condition(self, row, lowered: StatusRow) -> StatusRow:
        sibling = self._groups.functional_sibling(row)
        condition = self._conditions.get(row.overload) or self._conditions.get(sibling)
        if row.autogen_from and not condition:
            condition = self._conditions.get(row.autogen_from)
        if not condition:
            return lowered
        lowered.condition = condition
        lowered.provenance = "xla_cond"
        if condition.startswith("ALWAYS"):
            lowered.status = FALLBACK
            lowered.kind = "fallback_by_default"
            lowered.reason = "XLA kernel hands every call to the CPU fallback by default"
        else:
            lowered.kind = "lowered_conditional"
            lowered.reason = "XLA lowering; falls back to CPU when: " + condition
        return lowered
