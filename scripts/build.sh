#!/usr/bin/env bash
# Configures (once) and builds into build/; incremental on later runs.
# Usage: scripts/build.sh [TARGET...]   (no target: everything, tests included)
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -f build/build.ninja ]]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >&2
fi
targets=()
for target in "$@"; do targets+=(--target "$target"); done
cmake --build build "${targets[@]}" >&2
