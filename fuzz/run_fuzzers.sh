#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the libFuzzer targets with clang (TPU_FUZZ=ON: coverage + ASan + UBSan) in BUILD
# (default build-fuzz), seeds each corpus with the rewriter's fixtures and the samples, and
# runs both fuzzers for SECONDS each (default 1800), one after the other. Crashes land in
# ARTIFACTS (default build-fuzz/artifacts); the corpora grow in build-fuzz/corpus/<fuzzer>.
#   fuzz/run_fuzzers.sh 600          # ten minutes each
# Environment: BUILD=DIR, CC/CXX (default clang-19/clang++-19), JOBS=N (default 2),
# NICE=N (default 19: the machine stays usable), EXTRA_SEEDS="DIR…" (more .py seed folders).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-1800}"
build="${BUILD:-$here/build-fuzz}"
artifacts="${ARTIFACTS:-$build/artifacts}"
cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTPU_FUZZ=ON -DBUILD_TESTING=OFF \
  -DCMAKE_C_COMPILER="${CC:-clang-19}" -DCMAKE_CXX_COMPILER="${CXX:-clang++-19}"
cmake --build "$build" -j "${JOBS:-2}" --target python_frontend_fuzzer rewriter_fuzzer
mkdir -p "$artifacts"
for fuzzer in python_frontend_fuzzer rewriter_fuzzer; do
  corpus="$build/corpus/$fuzzer"
  mkdir -p "$corpus"
  # Seeds: every fixture and sample file; the rewriter's take a leading configuration byte.
  while IFS= read -r -d '' seed; do
    name="$(printf '%s' "$seed" | md5sum | cut -c1-16)"
    if [ "$fuzzer" = rewriter_fuzzer ]; then
      for config in 0 1 2 3 4 5 6 7; do
        { printf "\\x$config"; cat "$seed"; } > "$corpus/$name-$config"
      done
    else
      cp "$seed" "$corpus/$name"
    fi
  done < <(find "$here/rewriter/fixtures" "$here/tests" "$here/samples" ${EXTRA_SEEDS:-} -name '*.py' -size -64k -print0)
  echo "== $fuzzer: $seconds s, $(ls "$corpus" | wc -l) inputs to start with" >&2
  nice -n "${NICE:-19}" "$build/fuzz/$fuzzer" "$corpus" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -max_len=65536 -artifact_prefix="$artifacts/$fuzzer-" -print_final_stats=1 || true
done
ls -l "$artifacts"
