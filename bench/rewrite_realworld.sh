#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Property benchmark of `tpu-migrate rewrite --apply` on real repositories (issue 14):
#
#   bench/rewrite_realworld.sh DIR…      (checked-out public repositories, outside the tree)
#
# For each DIR and each configuration (safe fixes, then --unsafe-fixes; target xla and
# torchtpu; portable and direct style) it rewrites a fresh copy of DIR (DIR itself is only
# read) and counts, over the Python files:
#   changed     files the rewrite changed
#   broken      files CPython parsed before and does not after (/usr/bin/python3, ast.parse)
#   outside     bytes changed outside the fixes' edits: the removed or replaced lines of a
#               changed hunk none of whose lines is in a finding's range (`scan --format json`;
#               with the rest of the simple statement it starts, which a fix may remove whole)
#               or in an import statement (imports the fixes orphaned are removed), plus files
#               whose line ends changed
#   stray       files with more than two blank lines after the helper block
#   refused     files left unchanged with a note (unparseable, or a fix refused)
#   rerun       files a second `rewrite --check` would still change (the repository "does not
#               converge" when this is not 0)
#   ms/file     wall time of the --apply run per Python file
# Prints one Markdown table. Environment: BUILD=DIR (default build), NO_BUILD=1, KEEP=DIR (keep
# the copies and logs there; default: a temporary folder, removed), CONFIGS="safe unsafe".
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
build="${BUILD:-$here/build}"
python=/usr/bin/python3
[ $# -ge 1 ] || { echo "usage: $0 DIR…" >&2; exit 2; }
[ -x "$python" ] || { echo "$0: $python is needed to check what CPython parses" >&2; exit 2; }
[ -n "${NO_BUILD:-}" ] || cmake --build "$build" --target tpu-migrate >&2
tool="$build/tpu-migrate"
work="${KEEP:-$(mktemp -d /tmp/rewrite-realworld.XXXXXX)}"
mkdir -p "$work"
[ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT

# Compares DIR (before) with COPY (after): the counts above, as one tab-separated line.
measure() {
  "$python" - "$1" "$2" "$3" <<'PY'
import ast, difflib, json, os, re, sys
before_root, after_root, scan_json = sys.argv[1:4]
findings = {}
try:
    for f in json.load(open(scan_json))["findings"]:
        findings.setdefault(f["path"], []).append((f["line"], f.get("end_line", f["line"])))
except (OSError, ValueError, KeyError):
    pass

def parses(data):
    try:
        ast.parse(data)
        return True
    except (SyntaxError, ValueError):
        return False

def statements(data):
    try:
        return [node for node in ast.walk(ast.parse(data)) if isinstance(node, ast.stmt)]
    except (SyntaxError, ValueError):
        return []

def import_lines(nodes):
    lines = set()
    for node in nodes:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    return lines

def fix_lines(nodes, begin, end):
    """A finding's lines, and the whole of a simple statement it starts: a fix may replace or
    remove the statement (`torch.backends.cudnn.benchmark = f(\n…\n)`), while the finding
    names only its target. A compound statement's body is never included."""
    lines = set(range(begin, end + 1))
    for node in nodes:
        if node.lineno == begin and not hasattr(node, "body"):
            lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    return lines

changed = broken = outside = stray = 0
for folder, dirs, files in os.walk(before_root):
    dirs[:] = [d for d in dirs if d != ".git"]
    for name in files:
        if not name.endswith((".py", ".pyi")):
            continue
        path = os.path.join(folder, name)
        rel = os.path.relpath(path, before_root)
        try:
            old = open(path, "rb").read()
            new = open(os.path.join(after_root, rel), "rb").read()
        except OSError:
            continue
        if old == new:
            continue
        changed += 1
        if parses(old) and not parses(new):
            broken += 1
            print("broken:", rel, file=sys.stderr)
        nodes = statements(old)
        allowed = import_lines(nodes)
        for begin, end in findings.get(rel.replace(os.sep, "/"), []):
            allowed.update(fix_lines(nodes, begin, end))
        a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
        strip = lambda line: line.rstrip(b"\r\n")
        ending = lambda lines: {l[len(strip(l)):] for l in lines if l.endswith((b"\n", b"\r"))}
        if ending(b) - ending(a):
            outside += 1
            print("line ends changed:", rel, file=sys.stderr)
        # A changed hunk is one edit region: it is the fixes' when one of its lines is a
        # finding's or an import's (removing `,\n    non_blocking=True` joins two lines).
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
            if tag in ("replace", "delete") and not any(line + 1 in allowed for line in range(i1, i2)):
                for line in range(i1, i2):
                    if a[line].strip():
                        outside += len(a[line])
                        print(f"outside: {rel}:{line + 1}: {a[line][:80]!r}", file=sys.stderr)
        if re.search(rb"# tpu-migrate: ignore-end\r?\n(\r?\n){3,}", new):
            stray += 1
            print("stray blank lines:", rel, file=sys.stderr)
print(f"{changed}\t{broken}\t{outside}\t{stray}")
PY
}

printf '| repository | py files | configuration | changed | broken | bytes outside edits | stray blank lines | refused | rerun changes | ms/file |\n'
printf '| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n'
for dir in "$@"; do
  repo="$(basename "$(cd "$dir" && pwd)")"
  files=$(find "$dir" -name .git -prune -o \( -name '*.py' -o -name '*.pyi' \) -type f -print | wc -l)
  for safety in ${CONFIGS:-safe unsafe}; do
    for target in xla torchtpu; do
      for style in portable direct; do
        config="$safety $target $style"
        copy="$work/$repo.$safety.$target.$style"
        rm -rf "$copy" && cp -a "$dir" "$copy"
        flags=(--target "$target" --style "$style" --allow-dirty)
        [ "$safety" = unsafe ] && flags+=(--unsafe-fixes)
        "$tool" scan "$copy" --target "$target" --format json -o "$copy.scan.json" >/dev/null 2>&1 || true
        start=$(date +%s%N)
        "$tool" rewrite "$copy" --apply "${flags[@]}" >"$copy.apply.out" 2>"$copy.apply.err" || true
        elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
        refused=$(grep -c -E 'does not parse|left unchanged|not rewritten' "$copy.apply.err" || true)
        IFS=$'\t' read -r changed broken outside stray < <(measure "$dir" "$copy" "$copy.scan.json" 2>"$copy.measure.err")
        rerun=$("$tool" rewrite "$copy" "${flags[@]}" 2>/dev/null | grep -c '^--- a/' || true)
        ms=$(awk -v t="$elapsed_ms" -v n="$files" 'BEGIN { printf "%.2f", (n ? t / n : 0) }')
        printf '| %s | %d | %s | %d | %d | %d | %d | %d | %d | %s |\n' "$repo" "$files" "$config" \
          "$changed" "$broken" "$outside" "$stray" "$refused" "$rerun" "$ms"
        [ -n "${KEEP:-}" ] || rm -rf "$copy"
      done
    done
  done
done
