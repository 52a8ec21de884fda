#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Generate tpu-migrate's op database tables (opdb/data/*.tsv) from upstream op data.

    /usr/bin/python3 opdb/gen/generate_opdb.py            # reads ../shared/upstream, writes opdb/data

Inputs are described in ../shared/upstream/PROVENANCE.md; the status rules live in xla_status.py
(PyTorch/XLA), torchtpu_status.py (TorchTPU), backend_status.py (XPU, MPS, Ascend) and
decompositions.py (composite ops). The
output is deterministic, so re-running on the same inputs reproduces the committed tables byte for
byte (test_generate_opdb.py checks that).
"""

import argparse
import collections
import os
import sys

import backend_status
import decompositions
import native_functions
import provenance
import python_api
import torchtpu_status
from tsv_writer import write_table
import xla_status
import yaml_io
from status_row import FALLBACK, STATUSES, StatusRow

GEN_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(GEN_DIR))
DEFAULT_UPSTREAM = os.path.join(REPO_ROOT, "..", "shared", "upstream")
# op-plugin entries are selected for the torch release whose native_functions.yaml is used.
DEFAULT_ASCEND_TORCH_VERSION = "2.14"

STATUS_COLUMNS = ["overload", "status", "kind", "reason", "condition", "decomposes_into", "provenance"]
OP_COLUMNS = ["overload", "op", "representative", "core", "dynamic_output_shape", "data_dependent_output",
              "other_tags", "dispatch", "kernels", "python_decomposition", "core_decomposition", "autogen_from"]
PYTHON_COLUMNS = ["api", "aten", "also", "source", "note"]
_DENSE_KEYS = ("CPU", "CUDA", "MPS", "XPU", "MTIA")
_KEY_FAMILIES = (("Sparse", "sparse"), ("Quantized", "quantized"), ("NestedTensor", "nested"), ("Mkldnn", "mkldnn"))


def _load_name_set(path: str) -> set:
    """Op names from a derived decomposition list: `op` (whole packet), `op.default`, `op.overload`."""
    names = set()
    for fields in yaml_io.read_tsv(path):
        name = fields[0].strip()
        if name and name != "aten_op":
            names.add(name[: -len(".default")] if name.endswith(".default") else name)
    return names


def _in_name_set(row, names: set) -> bool:
    return row.overload in names or row.op in names or (row.autogen_from and row.autogen_from in names)


def _representatives(rows: list) -> set:
    """Per op, the overload that answers for the bare op name: the default overload, else the first
    functional one in yaml order, else the first one."""
    by_op = collections.defaultdict(list)
    for row in rows:
        by_op[row.op].append(row)
    chosen = set()
    for op, group in by_op.items():
        pick = (next((r for r in group if r.overload == op), None)
                or next((r for r in group if r.schema is not None and r.schema.is_functional), group[0]))
        chosen.add(pick.overload)
    return chosen


def _dispatch_class(row) -> str:
    if row.autogen_from:
        return "autogen"
    if row.is_cia:
        return "CompositeImplicitAutograd"
    for key in (native_functions.CEA, native_functions.CEA_NON_FUNCTIONAL):
        if key in row.keys:
            return key
    return "backend"


def _kernels(row) -> str:
    found = [k for k in _DENSE_KEYS if row.has_backend(k)]
    found += [name for prefix, name in _KEY_FAMILIES if any(k.startswith(prefix) for k in row.kernel_keys)]
    return ",".join(found)


def _op_rows(rows: list, python_decomps: set, core_decomps: set) -> list:
    representative = _representatives(rows)
    result = []
    for row in sorted(rows, key=lambda r: (r.op, r.overload)):
        tags = set(row.tags)
        flags = ["1" if t in tags else "0" for t in native_functions.COLUMN_TAGS]
        other = ",".join(sorted(tags - set(native_functions.COLUMN_TAGS)))
        result.append([row.overload, row.op, "1" if row.overload in representative else "0", *flags, other,
                       _dispatch_class(row), _kernels(row),
                       "1" if _in_name_set(row, python_decomps) else "0",
                       "1" if _in_name_set(row, core_decomps) else "0", row.autogen_from])
    return result


def _status_rows(statuses: dict) -> list:
    return [[s.overload, s.status, s.kind, s.reason, s.condition, ",".join(s.decomposes_into), s.provenance]
            for s in (statuses[k] for k in sorted(statuses))]


def _non_aten_rows(conditions: dict) -> dict:
    """Ops of other namespaces that the XLA conditions name (torchvision::nms): XLA's boxed fallback
    covers every namespace, and these kernels hand calls to it by default."""
    extra = {}
    for name, condition in conditions.items():
        if "::" in name and condition.startswith("ALWAYS"):
            extra[name] = StatusRow(name, FALLBACK, "fallback_by_default",
                                    "XLA kernel hands every call to the CPU fallback by default", "xla_cond", condition)
    return extra


def generate(upstream: str, out_dir: str, composite_calls_path: str, python_manual_path: str,
             ascend_torch_version: str = DEFAULT_ASCEND_TORCH_VERSION) -> dict:
    """Write every table into `out_dir`; return {target: Counter(status)} for the summary."""
    src = provenance.identify(upstream)
    path = lambda key: os.path.join(upstream, provenance.INPUTS[key])  # noqa: E731
    rows = native_functions.load(path("pytorch"))
    native_functions.load_tags(path("pytorch_tags"))  # validates the file; tags are read from the ops
    calls = decompositions.load_composite_calls(composite_calls_path, rows)

    torch_label = src["pytorch"].label
    labels = {
        "torch": torch_label,
        "decomp": f"{torch_label} + opdb/gen/composite_calls.tsv",
        "xla": src["xla"].label,
        "xla_cond": f"{src['xla'].label} + xla_cpu_fallback_conditions.tsv ({src['xla_conditions'].origin})",
        "ascend": src["ascend"].label,
        "torchtpu": src["torchtpu"].label,
        "torchtpu_inferred": f"{src['torchtpu_inferred'].path.rsplit('/', 1)[-1]} ({src['torchtpu_inferred'].origin})",
    }

    conditions = xla_status.load_fallback_conditions(path("xla_conditions"))
    xla = xla_status.XlaRules(rows, xla_status.load_xla_sections(path("xla")), conditions).classify_all(rows)
    enabled = backend_status.load_ascend_overloads(path("ascend"), ascend_torch_version)
    torchtpu = torchtpu_status.TorchTpuRules(rows, torchtpu_status.load_registered(path("torchtpu")),
                                             torchtpu_status.load_inferred(path("torchtpu_inferred")))
    notes = {"torchtpu": [f"registered names that torch {torch_label} does not define (no row): {name}"
                          for name in torchtpu.unmatched]}
    targets = {
        "xla": (xla, ["pytorch", "xla", "xla_conditions"], ["torch", "decomp", "xla", "xla_cond"]),
        "torchtpu": (torchtpu.classify_all(rows), ["pytorch", "torchtpu", "torchtpu_inferred"],
                     ["torch", "decomp", "torchtpu", "torchtpu_inferred"]),
        "xpu": (backend_status.dispatch_key_rules("XPU").classify_all(rows), ["pytorch"], ["torch", "decomp"]),
        "mps": (backend_status.dispatch_key_rules("MPS").classify_all(rows), ["pytorch"], ["torch", "decomp"]),
        "ascend": (backend_status.ascend_rules(enabled, ascend_torch_version).classify_all(rows),
                   ["pytorch", "ascend"], ["torch", "decomp", "ascend"]),
    }
    os.makedirs(out_dir, exist_ok=True)
    summary = {}
    for target, (statuses, source_keys, label_keys) in targets.items():
        decompositions.refine(statuses, calls)
        if target == "xla":
            statuses.update(_non_aten_rows(conditions))
        write_table(os.path.join(out_dir, f"status_{target}.tsv"), f"tpu-migrate opdb: aten op status on target `{target}`",
                    [src[k] for k in source_keys], {k: labels[k] for k in label_keys}, STATUS_COLUMNS,
                    _status_rows(statuses), notes.get(target, []))
        summary[target] = collections.Counter(s.status for s in statuses.values())

    op_rows = _op_rows(rows, _load_name_set(path("python_decompositions")), _load_name_set(path("core_decompositions")))
    write_table(os.path.join(out_dir, "aten_ops.tsv"), "tpu-migrate opdb: aten overloads and their PyTorch facts",
                [src[k] for k in ("pytorch", "pytorch_tags", "python_decompositions", "core_decompositions")],
                {}, OP_COLUMNS, op_rows)
    write_table(os.path.join(out_dir, "python_api.tsv"), "tpu-migrate opdb: Python API name -> aten op",
                [src["pytorch"]], {}, PYTHON_COLUMNS,
                [list(r) for r in python_api.build(rows, python_manual_path)])
    return summary


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--upstream", default=DEFAULT_UPSTREAM, help="upstream data directory (default: ../shared/upstream)")
    parser.add_argument("--out", default=os.path.join(REPO_ROOT, "opdb", "data"), help="output directory")
    parser.add_argument("--composite-calls", default=os.path.join(GEN_DIR, "composite_calls.tsv"))
    parser.add_argument("--python-api-manual", default=os.path.join(GEN_DIR, "python_api_manual.tsv"))
    parser.add_argument("--ascend-torch-version", default=DEFAULT_ASCEND_TORCH_VERSION)
    args = parser.parse_args(argv)
    if not os.path.isdir(args.upstream):
        print(f"generate_opdb: upstream directory not found: {args.upstream}", file=sys.stderr)
        return 2
    summary = generate(args.upstream, args.out, args.composite_calls, args.python_api_manual, args.ascend_torch_version)
    for target, counts in summary.items():
        print(f"{target:9}" + "  ".join(f"{s} {counts.get(s, 0)}" for s in STATUSES))
    return 0


if __name__ == "__main__":
    sys.exit(main())
