#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (unit, golden, end-to-end) with ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh test
scripts/build.sh
scripts/venvs.sh  # the real-stack tier's pinned Python environments: cached, a no-op once built
ctest --test-dir build --output-on-failure -j"$(nproc)"
