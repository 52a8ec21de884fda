# SPDX-License-Identifier: Apache-2.0
"""Every torch_xla / torch.tpu / torch_tpu API the rewriter emits exists in the released API.

    /usr/bin/python3 -m pytest -q tests/opdb_api_surface_test.py

What the rewriter emits comes from two places, both read here as they are compiled in:
  - opdb/data/rewrite_map.tsv: each row's replacement and imports, for the target(s) it serves
    (`*` serves both xla and torchtpu);
  - rewriter/portable_helpers.cc: the Python helpers the portable style inserts (its R"py(...)py"
    blocks), one table per target (kXlaHelpers, kTorchTpuHelpers).
Each text is parsed with Python's `ast`; every dotted name under torch_xla, torch.tpu or torch_tpu
(after resolving `import ... as` aliases) is checked against ../shared/upstream/api-surface/:
the name exists, it is not deprecated, and a call binds to its signature (argument count and
keyword names). Names that are wrong today are listed in KNOWN_BAD_NAMES; any other bad name fails.
"""

import ast
import csv
import os
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SURFACE_DIR = Path(os.environ.get("TPU_API_SURFACE_DIR", REPO.parent / "shared" / "upstream" / "api-surface"))
REWRITE_MAP = REPO / "opdb" / "data" / "rewrite_map.tsv"
HELPERS_SOURCE = REPO / "rewriter" / "portable_helpers.cc"
TARGETS = ("xla", "torchtpu")
CHECKED_ROOTS = ("torch_xla", "torch.tpu", "torch_tpu")

# Emitted names that do not match the released API today: (where, name) -> why. The rewriter's
# owner fixes the map; remove an entry when its row is fixed (the test fails while a listed name
# is no longer emitted or no longer bad, so this list stays exact).
KNOWN_BAD_NAMES = {
}

pytestmark = pytest.mark.skipif(not SURFACE_DIR.is_dir(),
                                reason=f"api-surface data not found at {SURFACE_DIR}: nothing to check against")


# --- the surface ---------------------------------------------------------------------------------

def load_surface():
    """qualified_name -> row dict, from both TSVs (first row wins for a name listed twice)."""
    surface = {}
    for name in ("torch_xla.tsv", "torch_tpu.tsv"):
        with open(SURFACE_DIR / name, encoding="utf-8", newline="") as f:
            lines = [line for line in f if not line.startswith("#")]
        for row in csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE):
            surface.setdefault(row["qualified_name"], row)
    return surface


def is_native(row, surface, depth=0) -> bool:
    """A C-extension object: listed as native, or an alias that resolves to one (`resolves to a -> b`)."""
    if row is None or depth > 5:
        return False
    if row["kind"] == "native" or row["signature"].startswith("native"):
        return True
    chain = re.search(r"resolves to ([\w.]+(?:\s*(?:->|=)\s*[\w.]+)*)", row["notes"])
    names = re.split(r"\s*(?:->|=)\s*", chain.group(1)) if chain else []
    return any(is_native(surface.get(n), surface, depth + 1) for n in names if surface.get(n) is not row)


def bind_problem(signature: str, kind: str, positional: int, keywords: list):
    """Why a call with `positional` arguments and `keywords` does not bind to `signature`, or None.
    None too when the signature is not known (native names, inherited constructors)."""
    text = signature.strip()
    if not text.startswith("("):
        return None
    try:
        args = ast.parse(f"def f{text}: pass").body[0].args
    except SyntaxError:
        return None
    params = args.posonlyargs + args.args
    if kind == "method" and params and params[0].arg in ("self", "cls"):
        params = params[1:]
    if positional > len(params) and args.vararg is None:
        return f"takes at most {len(params)} positional arguments, {positional} given"
    filled = {p.arg for p in params[:positional]}
    by_keyword = {p.arg for p in args.args if p not in params[:positional]} | {p.arg for p in args.kwonlyargs}
    for keyword in keywords:
        if keyword in filled:
            return f"`{keyword}` given twice"
        if keyword not in by_keyword and args.kwarg is None:
            return f"has no parameter `{keyword}`"
        filled.add(keyword)
    required = params[:len(params) - len(args.defaults)]
    required += [p for p, d in zip(args.kwonlyargs, args.kw_defaults) if d is None]
    missing = [p.arg for p in required if p.arg not in filled]
    if missing:
        return f"missing required argument(s): {', '.join(missing)}"
    return None


# --- what is emitted ------------------------------------------------------------------------------

def parse_fragment(text: str):
    """An ast for an emitted text, whose {N} placeholders stand for the fix site's text (arguments,
    quotes, a trailing `, x=...`, a newline and indent). Tries the readings a replacement can have."""
    candidates = []
    for filler in ("_arg", ""):
        filled = re.sub(r"\{(\d)\}", lambda m: filler + m.group(1) if filler else "", text).strip()
        candidates += [filled, f"_f({filled})", f"_f(_x{filled})"]
    for candidate in candidates:
        try:
            return ast.parse(candidate)
        except SyntaxError:
            continue
    raise AssertionError(f"cannot parse emitted text: {text!r}")


def aliases_of(tree) -> dict:
    """`import a.b as c` -> {c: a.b}; `import a.b` binds a; `from a import b as c` -> {c: a.b}."""
    aliases = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    aliases[alias.asname] = alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return aliases


def dotted(node):
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return ".".join([node.id] + parts[::-1])
    return None


def checked(name: str) -> bool:
    return any(name == root or name.startswith(root + ".") for root in CHECKED_ROOTS)


def uses(tree, aliases: dict):
    """(name, call or None) for every checked module imported and every maximal dotted name used."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, None) for alias in node.names if checked(alias.name)]
        elif isinstance(node, ast.ImportFrom) and node.module and checked(node.module):
            found += [(f"{node.module}.{alias.name}", None) for alias in node.names]
    inner = set()  # attribute nodes that are part of a longer chain
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute):
            inner.add(id(node.value))
    calls = {id(node.func): node for node in ast.walk(tree) if isinstance(node, ast.Call)}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute) or id(node) in inner:
            continue
        name = dotted(node)
        if name is None:
            continue
        head, _, rest = name.partition(".")
        name = aliases.get(head, head) + ("." + rest if rest else "")
        if checked(name):
            found.append((name, calls.get(id(node))))
    return found


def rewrite_rows():
    with open(REWRITE_MAP, encoding="utf-8") as f:
        lines = f.read().splitlines()
    columns = next(line.split("\t")[1:] for line in lines if line.startswith("#columns"))
    return [dict(zip(columns, line.split("\t"))) for line in lines if line and not line.startswith("#")]


HELPER_TABLES = {"xla": "kXlaHelpers", "torchtpu": "kTorchTpuHelpers"}


def helper_blocks() -> dict:
    """target -> {helper name -> its Python code}, as portable_helpers.cc's table for it defines them."""
    text = HELPERS_SOURCE.read_text(encoding="utf-8")
    # Helpers both tables share are constants (`constexpr Helper kName{...};`), named in the tables.
    shared = {constant: (name, code) for constant, name, code in
              re.findall(r'constexpr Helper (\w+)\{"(\w+)", "\w*", R"py\((.*?)\)py"\};', text, re.S)}
    tables = {}
    for target, table in HELPER_TABLES.items():
        start = text.index(table + " = {{")
        body = text[start:text.index("\n}};", start)]
        tables[target] = dict(re.findall(r'\{"(\w+)", "\w*", R"py\((.*?)\)py"\}', body, re.S))
        tables[target].update(shared[constant] for constant in re.findall(r"^\s+(k\w+),$", body, re.M))
    return tables


def emitted():
    """(where, target, text): every replacement (with its imports) and helper, for each target."""
    out = []
    for row in rewrite_rows():
        targets = TARGETS if row["target"] == "*" else (row["target"],)
        replacement = row["replacement"]
        if replacement.startswith("<remove-"):
            replacement = ""
        imports = "\n".join(i.strip() for i in row["imports"].split(";") if i.strip())
        for target in targets:
            out.append((f"rewrite_map {row['key']}/{target}/{row['style']}", target, imports, replacement))
    # A target's helpers are inserted together, after its `base` block (PyTorch/XLA's imports
    # torch_xla as `_torch_xla`; TorchTPU's calls torch.tpu by name).
    for target, blocks in helper_blocks().items():
        for name, code in blocks.items():
            out.append((f"helper {name}/{target}", target, blocks.get("base", ""), code))
    return out


def problems_in(where: str, imports: str, text: str, surface: dict) -> dict:
    """(where, name) -> problem for every checked name in one emitted text."""
    import_tree = ast.parse(imports) if imports else ast.Module(body=[], type_ignores=[])
    tree = parse_fragment(text) if text.strip() else ast.Module(body=[], type_ignores=[])
    aliases = {**aliases_of(import_tree), **aliases_of(tree)}
    found = {}
    for name, call in uses(import_tree, aliases) + uses(tree, aliases):
        row = surface.get(name)
        if row is None:
            # Members of a native object (an enum's values) cannot be listed; its own row is enough.
            if is_native(surface.get(name.rsplit(".", 1)[0]), surface):
                continue
            found[(where, name)] = "not in the API surface"
        elif row["deprecated"].strip():
            found[(where, name)] = "deprecated: " + row["deprecated"].strip()
        elif call is not None and not any(isinstance(a, ast.Starred) for a in call.args) \
                and all(k.arg is not None for k in call.keywords):
            why = bind_problem(row["signature"], row["kind"], len(call.args), [k.arg for k in call.keywords])
            if why:
                found[(where, name)] = f"call does not bind to {row['signature']}: {why}"
    return found


# --- tests -----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def surface():
    return load_surface()


def test_every_emitted_name_exists_undeprecated_with_a_matching_signature(surface):
    texts = emitted()
    assert len(texts) > 150  # every map row for each target it serves, and every helper
    bad = {}
    for where, _, imports, text in texts:
        bad.update(problems_in(where, imports, text, surface))
    new = {k: v for k, v in bad.items() if k not in KNOWN_BAD_NAMES}
    fixed = sorted(k for k in KNOWN_BAD_NAMES if k not in bad)
    assert not new, "emitted names that are not in the released API:\n" + "\n".join(
        f"  {where}: {name}: {why}" for (where, name), why in sorted(new.items()))
    assert not fixed, f"no longer emitted or no longer bad; remove from KNOWN_BAD_NAMES: {fixed}"


def test_the_walk_reaches_both_targets_and_the_helpers(surface):
    checked_names = set()
    for _, _, imports, text in emitted():
        tree = parse_fragment(text) if text.strip() else ast.Module(body=[], type_ignores=[])
        aliases = {**(aliases_of(ast.parse(imports)) if imports else {}), **aliases_of(tree)}
        checked_names |= {name for name, _ in uses(tree, aliases)}
    assert "torch_xla.core.xla_model.wait_device_ops" in checked_names  # a map row, through `xm`
    assert "torch.tpu.manual_seed_all" in checked_names                  # a torchtpu row
    assert "torch_xla.distributed.parallel_loader.MpDeviceLoader" in checked_names  # a helper, through `pl`
    assert "torch_xla.sync" in checked_names                             # a helper, through `_torch_xla`
    assert "torch.tpu.get_device_name" in checked_names                  # a TorchTPU helper
    assert len(helper_blocks()["xla"]) >= 20 and len(helper_blocks()["torchtpu"]) >= 20


@pytest.mark.parametrize("imports, text, expected", [
    ("import torch_xla", "torch_xla.no_such_function()", "not in the API surface"),
    ("import torch_xla.core.xla_model as xm", "xm.mark_step()", "deprecated: Use torch_xla.sync instead"),
    ("", "torch.tpu.manual_seed({1}, 2)", "takes at most 1 positional arguments, 2 given"),
    ("import torch_xla", "torch_xla.manual_seed(seed=1, devise=None)", "has no parameter `devise`"),
    ("", "torch.tpu.set_device()", "missing required argument(s): device"),
    ("", "torch_tpu.api.nothing_here", "not in the API surface"),
])
def test_the_check_catches_bad_names(surface, imports, text, expected):
    problems = problems_in("fixture", imports, text, surface)
    assert len(problems) == 1 and expected in next(iter(problems.values())), problems


def test_good_names_pass(surface):
    assert problems_in("fixture", "import torch_xla.core.xla_model as xm", "xm.wait_device_ops()", surface) == {}
    assert problems_in("fixture", "", "with torch.tpu.precision(torch.tpu.Precision.HIGHEST): pass", surface) == {}
    assert problems_in("fixture", "", "torch.tpu.manual_seed_all({1})", surface) == {}
