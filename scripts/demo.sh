#!/usr/bin/env bash
# The main job: install what is missing, build, and scan the bundled sample repository.
# The binary lands in build/tpu-migrate.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh build
scripts/build.sh
build/tpu-migrate scan samples/gpt_trainer "$@"
