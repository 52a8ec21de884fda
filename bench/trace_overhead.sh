#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Tracing overhead: the bundled sample trained for a few steps on the CPU, untraced and under
# `tpu-migrate trace`, interleaved, in one run. Prints the median wall times and their ratio
# (issue 7 aims for under 3x).
#
#   bench/trace_overhead.sh [STEPS] [RUNS]        (defaults: 20 steps, 5 runs)
#
# Environment: BUILD=DIR (default build), PYTHON (default /usr/bin/python3),
# SAMPLES_PER_OP (trace --samples-per-op; default 2, as trace's own default).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build}
python=${PYTHON:-/usr/bin/python3}
steps=${1:-20}
runs=${2:-5}
tool="$build/tpu-migrate"
[[ -x $tool ]] || { echo "no $tool: run scripts/build.sh first" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# The same program and arguments both ways. --device cpu: no CUDA redirection is needed, so the
# difference is the hook alone. --num-workers 2 keeps the DataLoader worker processes (traced too).
program=("$python" train.py --device cpu --steps "$steps" --eval-interval "$steps")

wall() {  # wall COMMAND...: seconds, from bash's clock around the process
  local start=$EPOCHREALTIME
  "$@" >/dev/null 2>&1
  awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f\n", b - a }'
}
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "sample: samples/gpt_trainer, ${program[*]:1}; $runs interleaved runs; load $(cut -d' ' -f1-3 /proc/loadavg)"
cd "$root/samples/gpt_trainer"
wall "${program[@]}" >/dev/null  # warm the page cache and Python's bytecode
plain=() traced=()
for ((i = 0; i < runs; i++)); do
  plain+=("$(wall "${program[@]}")")
  traced+=("$(wall "$tool" trace --out "$out/trace" --samples-per-op "${SAMPLES_PER_OP:-2}" -- "${program[@]}")")
done
p=$(printf '%s\n' "${plain[@]}" | median)
t=$(printf '%s\n' "${traced[@]}" | median)
calls=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["total_calls"])' "$out/trace/index.json")
printf '%-28s %8s s   (runs: %s)\n' "untraced" "$p" "${plain[*]}"
printf '%-28s %8s s   (runs: %s)\n' "tpu-migrate trace" "$t" "${traced[*]}"
awk -v p="$p" -v t="$t" -v c="$calls" 'BEGIN { printf "%-28s %8.2fx   (%d op calls traced, %.1f us per call)\n", "traced / untraced", t / p, c, (t - p) * 1e6 / c }'
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
