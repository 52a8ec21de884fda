#!/usr/bin/env bash
# The main job: install what is missing, build the tool (and what it loads at run time; not the
# test binaries: scripts/test.sh builds those), and scan the bundled sample repository.
# The binary lands in build/tpu-migrate.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh build
scripts/build.sh tpu-migrate
build/tpu-migrate scan samples/gpt_trainer "$@"
