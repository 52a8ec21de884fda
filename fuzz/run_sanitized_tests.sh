#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the tool and its tests with AddressSanitizer and UndefinedBehaviorSanitizer
# (TPU_SANITIZE=ON) in BUILD (default build-asan) and runs ctest there; any sanitizer report
# fails the test that triggered it. Extra arguments go to ctest, e.g.
#   fuzz/run_sanitized_tests.sh -R 'rewrite|validity'
# Environment: BUILD=DIR, JOBS=N (default 2), CC/CXX (default: the system compiler).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
build="${BUILD:-$here/build-asan}"
cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTPU_SANITIZE=ON
cmake --build "$build" -j "${JOBS:-2}" --target tpu-migrate tpu_tests
# Leaks are reported too; a sanitizer error stops the process (halt_on_error) so ctest sees it.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
ctest --test-dir "$build" --output-on-failure "$@"
