#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# C++/CUDA front-end benchmark: fast and deep mode over real extension sources, beside
# ripgrep searching the same files for the same CUDA names (the floor any scan has to beat).
#
#   bench/cpp_bench.sh BUILD_DIR TREE [JOBS] [RUNS]
#
# TREE is a checkout outside the project (never committed), e.g. mmcv's ops/csrc or
# detectron2's layers/csrc:  git -C <mirror> archive HEAD mmcv/ops/csrc | tar -x -C /tmp/bench
# Prints per mode: wall time (best of RUNS), files, and per-file parse time (median, p90, max).
set -euo pipefail

build=${1:?usage: cpp_bench.sh BUILD_DIR TREE [JOBS] [RUNS]}
tree=${2:?usage: cpp_bench.sh BUILD_DIR TREE [JOBS] [RUNS]}
jobs=${3:-2}
runs=${4:-3}
bench="$build/tpu_cpp_bench"
[[ -x $bench ]] || { echo "no $bench: build the tpu_cpp_bench target first" >&2; exit 2; }

now() { date +%s.%N; }
best_of() {  # best_of RUNS command…: the smallest wall time, in seconds
  local best=""
  for ((i = 0; i < runs; i++)); do
    local start end
    start=$(now)
    "${@:2}" >/dev/null 2>&1 || true
    end=$(now)
    best=$(awk -v a="$start" -v b="$end" -v best="$best" 'BEGIN { t = b - a; if (best == "" || t < best) best = t; printf "%.3f", best }')
  done
  echo "$best"
}

files=$(find "$tree" -type f \( -name '*.cu' -o -name '*.cuh' -o -name '*.cpp' -o -name '*.cc' -o -name '*.cxx' \
        -o -name '*.h' -o -name '*.hpp' \) | wc -l)
echo "tree: $tree ($files C++/CUDA files), jobs: $jobs, load: $(cut -d' ' -f1-3 /proc/loadavg)"

echo
echo "== ripgrep: the same CUDA names, no structure (best of $runs)"
pattern='__global__|__device__|__shared__|<<<|threadIdx|blockIdx|__syncthreads|atomic[A-Z]|cuda[A-Z][A-Za-z]*|cublas|cudnn|cub::|thrust::|PYBIND11_MODULE|TORCH_LIBRARY'
if command -v rg >/dev/null; then
  echo "wall           $(best_of "$runs" rg -j "$jobs" -c -e "$pattern" -g '*.{cu,cuh,cpp,cc,cxx,h,hpp}' "$tree") s"
  echo "matches        $(rg -j "$jobs" -o -e "$pattern" -g '*.{cu,cuh,cpp,cc,cxx,h,hpp}' "$tree" | wc -l)"
else
  echo "(ripgrep not installed)"
fi

echo
echo "== fast mode (stand-in declarations, no header read; best of $runs)"
echo "wall (best)    $(best_of "$runs" "$bench" --mode fast --jobs "$jobs" "$tree") s"
"$bench" --mode fast --jobs "$jobs" "$tree"

echo
echo "== deep mode (real flags and headers, shared precompiled preambles; one run)"
"$bench" --mode deep --jobs "$jobs" "$tree"
