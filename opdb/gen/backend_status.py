# SPDX-License-Identifier: Apache-2.0
"""Status per aten overload for accelerators other than TPUs: Intel XPU, Apple MPS, Huawei Ascend NPU.

XPU and MPS kernels live in upstream native_functions.yaml as `XPU` / `MPS` dispatch keys
(PROVENANCE.md: torch-xpu-ops moved its entries upstream). Ascend kernels are listed in
op-plugin's op_plugin_functions.yaml, per torch version. For all three:
  1. a kernel for the overload (own key, its structured_delegate's key, or op-plugin entry) -> lowered
  2. autogen rows: the answer of the entry that generates them
  3. CompositeImplicitAutograd / CompositeExplicitAutograd(NonFunctional)                 -> decomposed
  4. only sparse/quantized/nested kernels                                                  -> unsupported
  5. a CPU kernel -> fallback (MPS and XPU only when their CPU fallback is switched on by an
     environment variable; torch_npu falls back to CPU by default)
  6. otherwise                                                                             -> unsupported
"""

import re

import yaml_io
from status_row import (FALLBACK, LOWERED, UNSUPPORTED, StatusRow, autogen_status, classify_in_order,
                        composite_status)


class BackendRules:
    """Rules 2-6 shared by every backend; `has_kernel` and the wording are per backend."""

    def __init__(self, device: str, provenance: str, has_kernel, kernel_reason: str, fallback_reason: str):
        self.device = device
        self.provenance = provenance
        self.has_kernel = has_kernel
        self.kernel_reason = kernel_reason
        self.fallback_reason = fallback_reason

    def classify_all(self, rows: list) -> dict:
        return classify_in_order(rows, self._classify)

    def _classify(self, row, done: dict) -> StatusRow:
        if self.has_kernel(row):
            return StatusRow(row.overload, LOWERED, "kernel", self.kernel_reason, self.provenance)
        if (inherited := autogen_status(row, done)) is not None:
            return inherited
        if (composite := composite_status(row)) is not None:
            return composite
        if row.nondense_only:
            return StatusRow(row.overload, UNSUPPORTED, "nondense_only",
                             f"only sparse/quantized/nested kernels exist; no {self.device} kernel", "torch")
        if row.has_backend("CPU"):
            return StatusRow(row.overload, FALLBACK, "cpu_fallback", self.fallback_reason, self.provenance)
        return StatusRow(row.overload, UNSUPPORTED, "no_cpu_kernel",
                         f"no {self.device} kernel and no CPU kernel to fall back to", "torch")


def dispatch_key_rules(key: str) -> BackendRules:
    fallback = {
        "MPS": "no MPS kernel; runs on CPU only with PYTORCH_ENABLE_MPS_FALLBACK=1, else raises",
        "XPU": "no XPU kernel; CPU fallback if enabled (PYTORCH_ENABLE_XPU_FALLBACK=1) or on torch-xpu-ops' fallback list",
    }[key]
    return BackendRules(key, "torch", lambda row: row.autogen_from == "" and row.has_backend(key),
                        f"{key} kernel (native_functions.yaml dispatch key {key})", fallback)


# --- Ascend op-plugin -------------------------------------------------------------------------

_ASCEND_SECTIONS = ("official", "symint", "autograd")


def _version(text: str) -> tuple:
    match = re.fullmatch(r"v?(\d+)\.(\d+)", text.strip())
    if not match:
        raise ValueError(f"bad op-plugin version `{text}`")
    return int(match.group(1)), int(match.group(2))


def selector_includes(selector, version: tuple) -> bool:
    """op-plugin version selector: `all_version`, `[vA, vB|newest]` (inclusive range) or `vA, vB` (list)."""
    if selector is None:
        return False
    if isinstance(selector, list):
        low = _version(selector[0])
        high = (1 << 30, 0) if selector[1] == "newest" else _version(selector[1])
        return low <= version <= high
    if selector == "all_version":
        return True
    return version in {_version(v) for v in str(selector).split(",")}


def load_ascend_overloads(path: str, torch_version: str) -> set:
    """Overload names op-plugin implements for `torch_version` ("2.14"), through acl_op or op_api."""
    data = yaml_io.load_yaml(path)
    version = _version(torch_version)
    enabled = set()
    for section in _ASCEND_SECTIONS:
        for entry in data.get(section) or ():
            if any(selector_includes(entry.get(k), version) for k in ("op_api", "acl_op")):
                enabled.add(entry["func"].split("(", 1)[0].strip())
    return enabled


def ascend_rules(enabled: set, torch_version: str) -> BackendRules:
    return BackendRules(
        "NPU", "ascend", lambda row: row.overload in enabled,
        f"Ascend op-plugin kernel for torch v{torch_version} (op_plugin_functions.yaml)",
        f"not in op-plugin for torch v{torch_version} (torch_npu's own core kernels are not in this data); CPU fallback")
