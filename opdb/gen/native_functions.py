# SPDX-License-Identifier: Apache-2.0
"""Load PyTorch's native_functions.yaml into one `Overload` per runtime overload.

Every `func:` entry becomes a row, and so does every name in an `autogen:` list (codegen creates
those overloads, mostly `.out` variants, without a `func:` entry of their own). The dispatch facts
the status rules need are precomputed here: backend keys (own and via `structured_delegate`),
whether the entry is CompositeImplicitAutograd (explicitly, or implicitly by having no dispatch
table and no delegate: torchgen's rule) or CompositeExplicitAutograd(NonFunctional).
"""

from dataclasses import dataclass, field

import schema as schema_mod
import yaml_io

CIA = "CompositeImplicitAutograd"
CEA = "CompositeExplicitAutograd"
CEA_NON_FUNCTIONAL = "CompositeExplicitAutogradNonFunctional"
# Tags surfaced as their own columns; the rest go to `other_tags`.
COLUMN_TAGS = ("core", "dynamic_output_shape", "data_dependent_output")
_NONDENSE_PREFIXES = ("Sparse", "Quantized", "NestedTensor", "Mkldnn")
# Keys that are not a device kernel at all; they do not make an op "dense" or "non-dense".
_NEUTRAL_KEYS = ("Meta", "ZeroTensor")


@dataclass
class Overload:
    overload: str  # "add.Tensor"
    op: str  # "add"
    order: int  # position in the yaml (autogen rows follow their source entry)
    schema: object  # schema.Schema, or None for autogen rows (they have no func: string)
    autogen_from: str = ""  # for autogen rows: the func entry that lists it
    keys: frozenset = frozenset()  # own dispatch keys, one per key (comma lists split)
    delegate: str = ""  # structured_delegate overload
    tags: tuple = ()
    variants: frozenset = frozenset({"function"})
    python_module: str = ""
    has_ufunc_kernels: bool = False  # ufunc_inner_loop: codegen makes CPU and CUDA kernels
    kernel_keys: frozenset = field(default=frozenset())  # own keys plus the delegate's

    @property
    def is_cia(self) -> bool:
        if self.autogen_from:
            return False
        return CIA in self.keys or (not self.keys and not self.delegate)

    @property
    def is_cea(self) -> bool:
        return CEA in self.keys or CEA_NON_FUNCTIONAL in self.keys

    def has_backend(self, key: str) -> bool:
        if key in ("CPU", "CUDA") and self.has_ufunc_kernels:
            return True
        return key in self.kernel_keys

    @property
    def nondense_only(self) -> bool:
        device_keys = [k for k in self.kernel_keys if k not in _NEUTRAL_KEYS and not k.startswith("Composite")]
        return bool(device_keys) and all(k.startswith(_NONDENSE_PREFIXES) for k in device_keys)


def _split_keys(dispatch: dict) -> frozenset:
    keys = set()
    for group in dispatch or {}:
        keys.update(k.strip() for k in group.split(","))
    return frozenset(keys)


def _as_list(value) -> tuple:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(v.strip() for v in value.split(",") if v.strip())
    return tuple(value)


def load(path: str) -> list:
    """All runtime overloads in yaml order, autogen rows right after the entry that generates them."""
    entries = yaml_io.load_yaml(path)
    rows = []
    for entry in entries:
        func = entry["func"]
        parsed = schema_mod.parse(func)
        row = Overload(
            overload=parsed.overload,
            op=parsed.op,
            order=len(rows),
            schema=parsed,
            keys=_split_keys(entry.get("dispatch")),
            delegate=entry.get("structured_delegate", "") or "",
            tags=_as_list(entry.get("tags")),
            variants=frozenset(_as_list(entry.get("variants")) or ("function",)),
            python_module=entry.get("python_module", "") or "",
            has_ufunc_kernels="ufunc_inner_loop" in entry,
        )
        rows.append(row)
        for generated in _as_list(entry.get("autogen")):
            rows.append(
                Overload(
                    overload=generated,
                    op=schema_mod.op_name(generated),
                    order=len(rows),
                    schema=None,
                    autogen_from=parsed.overload,
                    # `core` names Core ATen IR members, which are the func entries themselves;
                    # the other tags (dynamic_output_shape, ...) hold for the variants too.
                    tags=tuple(t for t in row.tags if t != "core"),
                    variants=frozenset(),  # codegen binds no Python name for these
                )
            )
    rows = _dedupe(rows)
    by_name = {r.overload: r for r in rows}
    for row in rows:
        delegate = by_name.get(row.delegate)
        row.kernel_keys = row.keys | (delegate.keys if delegate else frozenset())
        if delegate and delegate.has_ufunc_kernels:
            row.has_ufunc_kernels = True
    return rows


def _dedupe(rows: list) -> list:
    """A name can be autogen'd by two entries (3 of 534 upstream): keep the first one only."""
    seen, kept = set(), []
    for row in rows:
        if row.overload not in seen:
            seen.add(row.overload)
            row.order = len(kept)
            kept.append(row)
    return kept


def load_tags(path: str) -> list:
    """Tag names defined in tags.yaml, in file order."""
    return [item["tag"] for item in yaml_io.load_yaml(path)]
