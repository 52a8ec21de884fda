#!/usr/bin/env bash
# Benchmarks the result cache (analyzer/cache) on a large Python tree, in one run, on a copy of
# the tree (the original is never written):
#   1. ripgrep: `rg -l cuda DIR`, the speed of reading the tree and nothing more;
#   2. the uncached scan: `tpu-migrate scan DIR --no-cache --format json -o /dev/null`;
#   3. the first scan with the cache (an empty cache: every entry is written);
#   4. a re-scan with nothing changed (every file from the cache);
#   5. a re-scan with one file changed (a line appended before each run: one entry recomputed,
#      the repository-wide pass redone).
# Before timing, it checks that the cached reports are byte-identical to uncached ones (before
# and after the change). Uses hyperfine (Debian's, installed when missing and run as root),
# else a loop of RUNS runs; the table shows medians. See bench/README.md.
#
# Usage: bench/scan_cache.sh DIR [RUNS]   (RUNS: of each cached re-scan and ripgrep, default 10;
#                                          the two full scans run SLOW_RUNS times, default 3)
# Environment:
#   BUILD=DIR     build folder holding tpu-migrate (default: build)
#   NO_BUILD=1    do not run `cmake --build BUILD --target tpu-migrate` first
#   JOBS=N        threads for the scans and ripgrep (default: every core)
#   CHANGE=PATH   the file (relative to DIR) that the one-file change edits (default: the first
#                 file ripgrep lists)
#   KEEP=DIR      keep the copy, the reports and the raw timings in DIR
set -euo pipefail

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }
[[ $# -ge 1 && $# -le 2 && $1 != -h && $1 != --help ]] || usage
source_tree=$(cd "$1" && pwd) || { echo "scan_cache.sh: no folder $1" >&2; exit 2; }
runs=${2:-10}
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "scan_cache.sh: RUNS must be a positive number" >&2; exit 2; }
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$repo/build}
[[ $build = /* ]] || build=$repo/$build
jobs=${JOBS:-$(nproc)}
slow_runs=${SLOW_RUNS:-3}

# --- tools --------------------------------------------------------------------------------------
have() { command -v "$1" >/dev/null 2>&1; }
install_pkg() {  # install_pkg COMMAND DEBIAN_PACKAGE: installs when missing and possible
  have "$1" && return 0
  if [[ $(id -u) -eq 0 ]] && have apt-get; then
    echo "installing Debian's $2 ..." >&2
    apt-get install -y -qq "$2" >/dev/null 2>&1 ||
      { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq "$2" >/dev/null 2>&1; } || true
  fi
  have "$1"
}
install_pkg rg ripgrep || { echo "scan_cache.sh: rg is missing; install Debian's ripgrep" >&2; exit 2; }
install_pkg hyperfine hyperfine || echo "scan_cache.sh: no hyperfine; timing with a plain loop" >&2

if [[ ${NO_BUILD:-0} != 1 ]]; then
  [[ -f $build/build.ninja || -f $build/Makefile ]] ||
    { echo "scan_cache.sh: $build is not configured; run scripts/build.sh first" >&2; exit 2; }
  cmake --build "$build" --target tpu-migrate >&2
fi
tool=$build/tpu-migrate
[[ -x $tool ]] || { echo "scan_cache.sh: $tool is missing" >&2; exit 2; }

work=${KEEP:-$(mktemp -d)}
mkdir -p "$work"
[[ -n ${KEEP:-} ]] || trap 'rm -rf "$work"' EXIT
tree=$work/tree
rm -rf "$tree"
cp -a "$source_tree" "$tree"
rm -rf "$tree/.tpu-migrate-cache"
cache=$tree/.tpu-migrate-cache

files=$(find "$tree" -name '*.py' -o -name '*.pyi' | wc -l)
bytes=$(find "$tree" \( -name '*.py' -o -name '*.pyi' \) -print0 | xargs -0 cat | wc -c)  # warms the page cache
change=${CHANGE:-$(cd "$tree" && rg -l --sort path cuda --type py . | head -1 | sed 's|^\./||')}
[[ -f $tree/$change ]] || { echo "scan_cache.sh: no file $change to change" >&2; exit 2; }

scan() { "$tool" scan "$tree" --format json --jobs "$jobs" "$@"; }

# --- the reports must not depend on the cache ------------------------------------------------------
scan --no-cache -o "$work/uncached.json" 2>"$work/scan.stderr" >/dev/null ||
  { echo "scan_cache.sh: the scan failed:" >&2; tail -5 "$work/scan.stderr" >&2; exit 1; }
scan -o "$work/cold.json" >/dev/null 2>&1
scan -o "$work/warm.json" >/dev/null 2>&1
cmp -s "$work/uncached.json" "$work/cold.json" && cmp -s "$work/uncached.json" "$work/warm.json" ||
  { echo "scan_cache.sh: the cached report differs from the uncached one ($work)" >&2; exit 1; }
printf '\n# changed by bench/scan_cache.sh\n' >> "$tree/$change"
scan -o "$work/changed-cached.json" >/dev/null 2>&1
scan --no-cache -o "$work/changed-uncached.json" >/dev/null 2>&1
cmp -s "$work/changed-cached.json" "$work/changed-uncached.json" ||
  { echo "scan_cache.sh: after the change, the cached report differs from the uncached one" >&2; exit 1; }
findings=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["findings"]))' "$work/uncached.json")
entries=$(find "$cache" -type f ! -name .gitignore | wc -l)
cache_mb=$(du -sm "$cache" | cut -f1)

# --- timings -------------------------------------------------------------------------------------
# Each case: NAME, a command to run before each timed run (untimed), and the timed command.
names=(rg uncached cold unchanged one-changed)
labels=("ripgrep (rg -l cuda)" "scan, no cache" "scan, empty cache" "re-scan, nothing changed"
        "re-scan, one file changed")
quiet_scan="$tool scan $tree --format json -o /dev/null --jobs $jobs"
commands=("rg -l --threads $jobs cuda $tree" "$quiet_scan --no-cache" "$quiet_scan" "$quiet_scan" "$quiet_scan")
prepares=("true" "true" "rm -rf $cache" "true" "echo '# edit' >> $tree/$change")
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
# $work/NAME.result: "median wall s, mean CPU s (user + sys)". CPU seconds are the steadier
# figure on a shared machine.
for i in "${!names[@]}"; do
  name=${names[$i]}
  n=$runs
  [[ $name == uncached || $name == cold ]] && n=$slow_runs
  echo "timing: ${labels[$i]} ($n runs) ..." >&2
  [[ $name == unchanged || $name == one-changed ]] && eval "${commands[$i]}" >/dev/null 2>&1  # warm
  if have hyperfine; then
    # ripgrep exits 1 when nothing matches: not a failure.
    hyperfine --style none --runs "$n" -i --prepare "${prepares[$i]}" \
      --export-json "$work/$name.json" "${commands[$i]}" >/dev/null 2>&1
    python3 -c 'import json, sys, statistics
r = json.load(open(sys.argv[1]))["results"][0]
print(statistics.median(r["times"]), r["user"] + r["system"])' "$work/$name.json" > "$work/$name.result"
  else
    : > "$work/$name.times"
    for ((r = 0; r < n; ++r)); do
      bash -c "${prepares[$i]}"
      start=$EPOCHREALTIME
      /usr/bin/time -f '%U %S' -o "$work/time.out" bash -c "${commands[$i]}" >/dev/null 2>&1 || true
      read -r user sys < <(tail -1 "$work/time.out")
      awk -v s="$start" -v e="$EPOCHREALTIME" -v u="$user" -v y="$sys" \
        'BEGIN { printf "%.4f %.4f\n", e - s, u + y }' >> "$work/$name.times"
    done
    sort -n "$work/$name.times" | awk '{ w[NR] = $1; c += $2 } END {
      m = (NR % 2) ? w[(NR + 1) / 2] : (w[NR / 2] + w[NR / 2 + 1]) / 2; print m, c / NR }' > "$work/$name.result"
  fi
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# --- the table -----------------------------------------------------------------------------------
printf '\ntree     %s (a copy), %d Python files, %.1f MB; %s findings\n' "$source_tree" "$files" \
  "$(awk -v b="$bytes" 'BEGIN { print b / 1e6 }')" "$findings"
printf 'tool     %s (%s)\n' "$tool" "$(git -C "$repo" describe --always --dirty --abbrev=12 2>/dev/null || echo '?')"
printf 'cache    %d entries, %d MB; the one file changed: %s\n' "$entries" "$cache_mb" "$change"
printf 'machine  %d cores, jobs %d, %d runs (%d of the full scans; %s), load average %s before, %s after\n' \
  "$(nproc)" "$jobs" "$runs" "$slow_runs" "$(have hyperfine && echo hyperfine || echo 'a plain loop')" \
  "$load_before" "$load_after"
printf 'reports  cached and uncached JSON byte-identical, before and after the change\n\n'
printf '%-28s %13s %11s\n' "" "median wall s" "mean CPU s"
for i in "${!names[@]}"; do
  read -r wall cpu < "$work/${names[$i]}.result"
  printf '%-28s %13.3f %11.3f\n' "${labels[$i]}" "$wall" "$cpu"
done
read -r unchanged _ < "$work/unchanged.result"
read -r changed _ < "$work/one-changed.result"
awk -v u="$unchanged" -v c="$changed" 'BEGIN {
  printf "\ngoals (wall): nothing changed <= 0.3 s: %s; one file changed <= 0.5 s: %s\n", \
    (u <= 0.3 ? "met" : "NOT met"), (c <= 0.5 ? "met" : "NOT met") }'
awk -v b="${load_before%% *}" -v j="$jobs" 'BEGIN { if (b > j) print "warning: the load average was over the job count: " \
  "other work shared the cores, wall times are inflated; rerun on an idle machine" }'
echo "(the uncached scan against the parse floor: bench/scan_python.sh)"
