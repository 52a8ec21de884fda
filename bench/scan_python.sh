#!/usr/bin/env bash
# Benchmarks `tpu-migrate scan` on a large Python tree against two references, in one run:
#   1. the scan: `tpu-migrate scan DIR --no-cache --format json -o /dev/null`, all cores (the
#      cached re-scans: bench/scan_cache.sh);
#   2. the floor: tpu_parse_floor (bench/parse_floor.cc), tree-sitter alone reading and parsing
#      the same .py/.pyi files on the same cores;
#   3. ripgrep counting a CUDA regex in the same tree's Python files.
# Each is run RUNS times (default 3), interleaved; the table shows medians. See bench/README.md.
#
# Usage: bench/scan_python.sh CORPUS_DIR [RUNS]
# Environment:
#   BUILD=DIR     build folder holding tpu-migrate and tpu_parse_floor (default: build)
#   NO_BUILD=1    do not run `cmake --build BUILD --target tpu-migrate tpu_parse_floor` first
#   JOBS=N        threads for all three (default: every core, as each tool does by itself)
#   KEEP=DIR      keep the file list, the last JSON report and the raw timings in DIR
set -euo pipefail

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }
[[ $# -ge 1 && $# -le 2 && $1 != -h && $1 != --help ]] || usage
corpus=$(cd "$1" && pwd) || { echo "scan_python.sh: no folder $1" >&2; exit 2; }
runs=${2:-3}
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "scan_python.sh: RUNS must be a positive number" >&2; exit 2; }
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$repo/build}
[[ $build = /* ]] || build=$repo/$build
jobs=${JOBS:-$(nproc)}

# --- tools --------------------------------------------------------------------------------------
need_pkg() {  # need_pkg COMMAND DEBIAN_PACKAGE
  [[ -x $1 ]] || command -v "$1" >/dev/null 2>&1 && return 0
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "installing Debian's $2 ..." >&2
    apt-get install -y -qq "$2" >/dev/null 2>&1 ||
      { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq "$2" >/dev/null 2>&1; } || true
  fi
  [[ -x $1 ]] || command -v "$1" >/dev/null 2>&1 ||
    { echo "scan_python.sh: $1 is missing; install Debian's $2" >&2; exit 2; }
}
need_pkg /usr/bin/time time
need_pkg rg ripgrep

if [[ ${NO_BUILD:-0} != 1 ]]; then
  [[ -f $build/build.ninja || -f $build/Makefile ]] ||
    { echo "scan_python.sh: $build is not configured; run scripts/build.sh first" >&2; exit 2; }
  cmake --build "$build" --target tpu-migrate tpu_parse_floor >&2
fi
scan_bin=$build/tpu-migrate
floor_bin=$build/tpu_parse_floor
for bin in "$scan_bin" "$floor_bin"; do
  [[ -x $bin ]] || { echo "scan_python.sh: $bin is missing" >&2; exit 2; }
done

work=${KEEP:-$(mktemp -d)}
mkdir -p "$work"
[[ -n ${KEEP:-} ]] || trap 'rm -rf "$work"' EXIT

# --- the file set -------------------------------------------------------------------------------
# The .py/.pyi files under CORPUS_DIR, less the folders that the scan skips by default
# (analyzer/core/discovery.cc): the same names, *.egg-info, and virtualenvs (a pyvenv.cfg).
# Sorted, as the scan's discovery sorts. The scan also honours .gitignore; the count check
# below says whether that made a difference.
skip=(.git .hg .svn __pycache__ node_modules site-packages dist-packages .tox .nox .mypy_cache
      .pytest_cache .ruff_cache .venv venv .eggs build dist .ipynb_checkpoints _build .cache
      .tpu-migrate-cache)
prune=()
for name in "${skip[@]}"; do prune+=(-name "$name" -o); done
prune+=(-name '*.egg-info')
mapfile -t venvs < <(find "$corpus" -name pyvenv.cfg -printf '%h\n')
find "$corpus" -type d \( "${prune[@]}" \) -prune -o -type f \( -name '*.py' -o -name '*.pyi' \) \
    -print | LC_ALL=C sort > "$work/files.txt"
for venv in "${venvs[@]}"; do grep -v -F "$venv/" "$work/files.txt" > "$work/f" || true; mv "$work/f" "$work/files.txt"; done
files=$(wc -l < "$work/files.txt")
[[ $files -gt 0 ]] || { echo "scan_python.sh: no Python files under $corpus" >&2; exit 2; }
bytes=$(tr '\n' '\0' < "$work/files.txt" | xargs -0 cat | wc -c)  # also warms the page cache

# --- one untimed run of the scan: warm-up, and its report checked ----------------------------------
"$scan_bin" scan "$corpus" --no-cache --format json -o "$work/report.json" --jobs "$jobs" >/dev/null 2>"$work/scan.stderr" || {
  rc=$?; echo "scan_python.sh: the scan failed (exit $rc):" >&2; tail -5 "$work/scan.stderr" >&2; exit 1; }
read -r scanned report_errors findings < <(python3 - "$work/report.json" <<'EOF' 2>/dev/null || echo "? ? ?"
import json, sys
r = json.load(open(sys.argv[1]))
print(r["summary"]["files"]["python"], len(r.get("errors", [])), len(r.get("findings", [])))
EOF
)

# --- timed runs --------------------------------------------------------------------------------
# measure NAME CMD...: appends "wall_s cpu_s peak_kib" to $work/NAME.txt.
measure() {
  local name=$1; shift
  local start=$EPOCHREALTIME rc=0
  /usr/bin/time -f '%U %S %M' -o "$work/time.out" "$@" >/dev/null 2>>"$work/$name.stderr" || rc=$?
  local end=$EPOCHREALTIME
  # ripgrep exits 1 when nothing matches; anything else non-zero is a failure.
  if [[ $rc -ne 0 && ! ($name == rg && $rc -eq 1) ]]; then
    echo "scan_python.sh: $name failed (exit $rc):" >&2; tail -5 "$work/$name.stderr" >&2; exit 1
  fi
  local user sys peak
  read -r user sys peak < <(tail -1 "$work/time.out")
  awk -v s="$start" -v e="$end" -v u="$user" -v y="$sys" -v m="$peak" \
    'BEGIN { printf "%.3f %.2f %d\n", e - s, u + y, m }' >> "$work/$name.txt"
}
regex='\.cuda\(|torch\.cuda|"cuda'
: > "$work/scan.txt"; : > "$work/floor.txt"; : > "$work/rg.txt"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for ((i = 1; i <= runs; ++i)); do
  echo "run $i/$runs ..." >&2
  measure scan "$scan_bin" scan "$corpus" --no-cache --format json -o /dev/null --jobs "$jobs"
  measure floor "$floor_bin" --jobs "$jobs" --list "$work/files.txt"
  measure rg rg -c --type py --threads "$jobs" "$regex" "$corpus"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
busy=$(awk -v b="${load_before%% *}" -v a="${load_after%% *}" -v n="$(nproc)" -v j="$jobs" \
  'BEGIN { print (b > 0.5 || a > j + 0.5 || j > n) ? 1 : 0 }')

# median COLUMN FILE
median() { sort -n -k"$1","$1" "$2" | awk -v c="$1" '{ v[NR] = $c } END {
  if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# --- the table ---------------------------------------------------------------------------------
commit="not a git checkout"
if [[ $(git -C "$corpus" rev-parse --show-toplevel 2>/dev/null) == "$corpus" ]]; then
  commit="commit $(git -C "$corpus" rev-parse --short=12 HEAD)"
fi
tool=""
if [[ $build == "$repo"/* ]]; then
  tool=" ($(git -C "$repo" describe --always --dirty --abbrev=12 2>/dev/null || echo "not a git checkout"))"
fi
printf '\ncorpus   %s (%s)\n' "$corpus" "$commit"
printf 'tool     %s%s\n' "$scan_bin" "$tool"
printf 'files    %d Python files, %.1f MB (%d bytes); the scan analysed %s, report errors: %s, findings: %s\n' \
  "$files" "$(awk -v b="$bytes" 'BEGIN { print b / 1e6 }')" "$bytes" "$scanned" "$report_errors" "$findings"
[[ $scanned == "$files" ]] || echo "note     the scan analysed $scanned files, the floor reads $files (.gitignore?)"
printf 'machine  %d cores (%s), jobs %d, %d runs (medians), load average %s before, %s after\n' \
  "$(nproc)" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')" "$jobs" "$runs" \
  "$load_before" "$load_after"
printf '\n%-28s %8s %9s %8s %8s %9s\n' "" "wall s" "files/s" "MB/s" "CPU s" "peak MiB"
row() {  # row LABEL NAME
  local wall cpu peak
  wall=$(median 1 "$work/$2.txt"); cpu=$(median 2 "$work/$2.txt"); peak=$(median 3 "$work/$2.txt")
  awk -v l="$1" -v w="$wall" -v c="$cpu" -v p="$peak" -v f="$files" -v b="$bytes" 'BEGIN {
    printf "%-28s %8.2f %9.0f %8.1f %8.2f %9.1f\n", l, w, f / w, b / 1e6 / w, c, p / 1024 }'
}
row "tpu-migrate scan" scan
row "tree-sitter parse (floor)" floor
row "ripgrep (CUDA regex)" rg
scan_wall=$(median 1 "$work/scan.txt"); floor_wall=$(median 1 "$work/floor.txt")
scan_cpu=$(median 2 "$work/scan.txt"); floor_cpu=$(median 2 "$work/floor.txt")
scan_peak=$(median 3 "$work/scan.txt")
awk -v sw="$scan_wall" -v fw="$floor_wall" -v sc="$scan_cpu" -v fc="$floor_cpu" -v p="$scan_peak" 'BEGIN {
  ratio = sw / fw
  printf "\nscan / floor: %.2fx wall, %s CPU; scan peak %.0f MiB\n", ratio, \
    (fc > 0 ? sprintf("%.2fx", sc / fc) : "n/a"), p / 1024
  printf "goal (within 1.5x of the floor, under 1 GiB): %s\n", \
    (ratio <= 1.5 && p < 1048576) ? "met" : "NOT met" }'
[[ $busy == 0 ]] || echo "warning: other work shared the cores (see the load average): wall times are" \
  "inflated; the CPU-seconds ratio is the steadier figure. Rerun on an idle machine."
echo "(scan: tpu-migrate scan DIR --no-cache --format json -o /dev/null; floor: tpu_parse_floor --list FILES;" \
     "ripgrep: rg -c --type py '$regex' DIR)"
