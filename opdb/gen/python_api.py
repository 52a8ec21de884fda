# SPDX-License-Identifier: Apache-2.0
"""Python API name -> aten op, derived from native_functions.yaml plus a hand-written table.

Derived (names match aten by construction of PyTorch's binding generator):
  variants: function, no python_module  -> torch.<op>
  variants: function, python_module: M  -> torch.linalg/fft/special/sparse/nested.<op minus "M_">,
                                           torch._C._nn.<op> for M = nn
  variants: method                      -> Tensor.<op>
The value is `aten::<op>` when the op's default overload has that binding, else the first overload
(yaml order) that does, e.g. `torch.add` -> `aten::add.Tensor`.

`torch.nn.functional.*` and `torch.nn.<Module>` names are not in the yaml; they come from
opdb/gen/python_api_manual.tsv, which also overrides derived names whose Python wrapper calls a
different op (`torch.unique` -> `aten::_unique2`, `torch.where` -> `aten::where.self`).
"""

import yaml_io

_MODULE_PREFIX = {
    "linalg": "torch.linalg.",
    "fft": "torch.fft.",
    "special": "torch.special.",
    "sparse": "torch.sparse.",
    "nested": "torch.nested.",
    "nn": "torch._C._nn.",
}


def _python_names(row) -> list:
    names = []
    if "function" in row.variants:
        module = row.python_module
        if not module:
            names.append("torch." + row.op)
        elif module == "nn":
            names.append(_MODULE_PREFIX[module] + row.op)
        elif module in _MODULE_PREFIX:
            short = row.op[len(module) + 1 :] if row.op.startswith(module + "_") else row.op
            names.append(_MODULE_PREFIX[module] + short)
    if "method" in row.variants:
        names.append("Tensor." + row.op)
    return names


def derive(rows: list) -> dict:
    """api -> aten name, from the yaml's bindings."""
    candidates = {}
    for row in rows:
        if not row.autogen_from:
            for api in _python_names(row):
                candidates.setdefault(api, []).append(row)
    result = {}
    for api, found in candidates.items():
        chosen = (next((r for r in found if r.overload == r.op), None)
                  or next((r for r in found if r.schema.is_functional), found[0]))
        result[api] = "aten::" + chosen.overload
    return result


def load_manual(path: str, rows: list) -> dict:
    """api -> (aten name, "manual", note); every aten name must exist in the yaml."""
    overloads = {r.overload for r in rows}
    ops = {r.op for r in rows}
    result = {}
    for fields in yaml_io.read_tsv(path):
        api, aten = fields[0], fields[1]
        also = fields[2] if len(fields) > 2 else ""
        note = fields[3] if len(fields) > 3 else ""
        for name in [aten] + [a.strip() for a in also.split(",") if a.strip()]:
            if name not in overloads and name not in ops:
                raise ValueError(f"{path}: {api}: unknown aten op `{name}`")
        if api in result:
            raise ValueError(f"{path}: duplicate row for {api}")
        result[api] = ("aten::" + aten, "manual", note, ",".join("aten::" + a.strip() for a in also.split(",") if a.strip()))
    return result


def build(rows: list, manual_path: str) -> list:
    """Sorted rows (api, aten, also, source, note); manual entries override derived ones."""
    table = {api: (aten, "", "derived", "") for api, aten in derive(rows).items()}
    for api, (aten, source, note, also) in load_manual(manual_path, rows).items():
        table[api] = (aten, also, source, note)
    return [(api,) + table[api] for api in sorted(table)]
