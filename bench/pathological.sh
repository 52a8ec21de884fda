#!/usr/bin/env bash
# Time and peak memory of `tpu-migrate scan` and `rewrite` on single files of pathological
# shape, generated at 0.25, 1 and 8 MiB (all under the default 10 MiB size limit):
#   calls_line     one line of `x.cuda(); x.cuda(); …` (generated or minified code)
#   literal_list   one line `data = [0, 1, 2, …]`, with three `.cuda()` calls around it
#   binary_expr    one line `y = a + a + … + a` (a deep left-nested tree), three calls around it
#   call_per_line  `x.cuda()` on every line: the shape whose cost is linear by nature
# Cost should grow linearly with the size: 8 MiB should take about 32× the 0.25 MiB case. Each run
# is bounded by LIMIT seconds (killed and shown as "killed" past it). See bench/README.md.
#
# Usage: bench/pathological.sh [SIZE_MIB...]        (default: 0.25 1 8)
# Environment:
#   BUILD=DIR     build folder holding tpu-migrate (default: build)
#   NO_BUILD=1    do not run `cmake --build BUILD --target tpu-migrate` first
#   LIMIT=S       seconds allowed per run (default: 120)
#   SHAPES="…"    the shapes to run (default: all four)
#   COMMANDS="…"  scan and/or rewrite (default: both)
#   KEEP=DIR      generate the files into DIR and keep them
set -euo pipefail

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }
[[ ${1:-} != -h && ${1:-} != --help ]] || usage
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$repo/build}
[[ $build = /* ]] || build=$repo/$build
limit=${LIMIT:-120}
shapes=${SHAPES:-calls_line literal_list binary_expr call_per_line}
commands=${COMMANDS:-scan rewrite}
sizes=("$@")
((${#sizes[@]})) || sizes=(0.25 1 8)

[[ -x /usr/bin/time ]] || { echo "pathological.sh: /usr/bin/time is missing; install Debian's time" >&2; exit 2; }
[[ -n ${NO_BUILD:-} ]] || cmake --build "$build" --target tpu-migrate >&2
tool=$build/tpu-migrate
[[ -x $tool ]] || { echo "pathological.sh: no $tool (build it, or set BUILD)" >&2; exit 2; }

if [[ -n ${KEEP:-} ]]; then work=$KEEP; mkdir -p "$work"; else
  work=$(mktemp -d); trap 'rm -rf "$work"' EXIT; fi

# generate SHAPE MIB FILE: the file, about MIB mebibytes, one shape per file.
generate() {
  python3 - "$1" "$2" "$3" <<'EOF'
import sys
shape, mib, path = sys.argv[1], float(sys.argv[2]), sys.argv[3]
size = int(mib * 1024 * 1024)
head = "import torch\nx = torch.ones(2)\n"
calls = "x = x.cuda()\ntorch.cuda.synchronize()\nx = x.to('cuda')\n"  # three fixable findings
def repeat(unit, budget):
    return unit * max(1, budget // len(unit))
if shape == "calls_line":
    body = repeat("x.cuda(); ", size - len(head)) + "\n"
elif shape == "literal_list":
    body = calls + "data = [" + repeat("12345, ", size - len(head) - len(calls) - 10) + "0]\n"
elif shape == "binary_expr":
    body = calls + "a = 1\ny = " + repeat("a + ", size - len(head) - len(calls) - 12) + "a\n"
elif shape == "call_per_line":
    body = repeat("x.cuda()\n", size - len(head))
else:
    sys.exit(f"unknown shape {shape}")
with open(path, "w") as out:
    out.write(head + body)
EOF
}

# measure COMMAND FILE: "seconds peak_MiB findings" (or "killed"/"failed").
measure() {
  local stats=$work/time.txt out=$work/out.txt
  local -a argv
  if [[ $1 == scan ]]; then argv=(scan "$2" --no-cache --format json -o "$work/report.json")
  else argv=(rewrite "$2" --no-cache); fi  # prints the diff; the file is not changed
  local rc=0
  /usr/bin/time -v -o "$stats" timeout "$limit" "$tool" "${argv[@]}" >"$out" 2>"$work/err.txt" || rc=$?
  if ((rc == 124 || rc == 137)); then echo "killed(>${limit}s) -"; return; fi
  if ((rc > 1)); then echo "failed(rc=$rc) -"; return; fi
  local wall peak
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0;
          for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f", s}' "$stats")
  peak=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$stats")
  echo "$wall $peak"
}

printf '%-14s %8s %-8s %12s %10s\n' shape MiB command seconds peak_MiB
for shape in $shapes; do
  for mib in "${sizes[@]}"; do
    file=$work/${shape}_${mib}.py
    generate "$shape" "$mib" "$file"
    for command in $commands; do
      read -r seconds peak < <(measure "$command" "$file")
      printf '%-14s %8s %-8s %12s %10s\n' "$shape" "$mib" "$command" "$seconds" "$peak"
    done
  done
done
