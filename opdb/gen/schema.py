# SPDX-License-Identifier: Apache-2.0
"""Parse aten schema strings (`name.overload(args) -> returns`) far enough to group overloads.

Only what the status rules need: the overload name, the op (packet) name, whether the overload is
in-place or out=, and a "signature key" that is equal for a functional op and its in-place and
out= variants (torchgen's signature group). Types are compared without alias annotations and
defaults, because `add_.Tensor(Tensor(a!) self, ...)` and `add.Tensor(Tensor self, ...)` belong together.
"""

import re
from dataclasses import dataclass

_ALIAS_ANNOTATION = re.compile(r"\([a-z0-9!|* >-]*\)")


@dataclass(frozen=True)
class Schema:
    overload: str  # "add.Tensor", "nonzero" (empty overload name = the default overload)
    op: str  # "add"
    base: str  # functional base name: "add" for add_ and add.out, "and" dunder handled
    is_inplace: bool
    is_out: bool
    signature_key: tuple  # (base, normalized non-out args): equal across a signature group

    @property
    def is_functional(self) -> bool:
        return not self.is_inplace and not self.is_out


def split_top_level(text: str, sep: str = ",") -> list:
    """Split on `sep` outside brackets and quotes: defaults like `int[2] stride=[1, 1]` hold commas."""
    parts, depth, quote, current = [], 0, None, []
    for ch in text:
        if quote:
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == sep and depth == 0:
            parts.append("".join(current).strip())
            current = []
            continue
        current.append(ch)
    tail = "".join(current).strip()
    if tail:
        parts.append(tail)
    return parts


def overload_name(func: str) -> str:
    """`add.Tensor(Tensor self, ...) -> Tensor` -> `add.Tensor`."""
    return func.split("(", 1)[0].strip()


def op_name(overload: str) -> str:
    return overload.split(".", 1)[0]


def _functional_base(name: str) -> tuple:
    """(base name, is_inplace) for an op name: `add_` -> (`add`, True), `__iand__` -> (`__and__`, True)."""
    if name.startswith("__i") and name.endswith("__"):
        return "__" + name[3:], True
    if name.endswith("_") and not name.endswith("__"):
        return name[:-1], True
    return name, False


def _argument_list(func: str) -> str:
    """Text between the schema's outer parentheses (alias sets like `Tensor(a -> *)` nest inside)."""
    start = func.index("(")
    depth = 0
    for i in range(start, len(func)):
        if func[i] == "(":
            depth += 1
        elif func[i] == ")":
            depth -= 1
            if depth == 0:
                return func[start + 1 : i]
    raise ValueError(f"unbalanced parentheses in schema: {func}")


def parse(func: str) -> Schema:
    overload = overload_name(func)
    name = op_name(overload)
    base, is_inplace = _functional_base(name)
    args_text = _argument_list(func)
    kwarg_only = False
    key_args, is_out = [], False
    for arg in split_top_level(args_text):
        if arg == "*":
            kwarg_only = True
            continue
        decl = arg.split("=", 1)[0].strip()
        arg_type, _, arg_name = decl.rpartition(" ")
        mutable = "!" in arg_type
        if kwarg_only and mutable:
            is_out = True  # out= arguments are the kwarg-only mutable ones
            continue
        key_args.append(_ALIAS_ANNOTATION.sub("", arg_type) + " " + arg_name)
    return Schema(
        overload=overload,
        op=name,
        base=base,
        is_inplace=is_inplace,
        is_out=is_out,
        signature_key=(base, tuple(key_args)),
    )
