#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The trace gallery (tests/trace_gallery) once more, its programs run by the torch of the pinned
# environment named by $1 instead of Debian's 1.13 (torch-modern: torch 2.13, a CPU build;
# torch-xla: torch 2.9.0+cu128, a CUDA build on a machine with no driver, which is what
# `pip install torch` gives most users). Exit 77 (ctest: Skipped) with the reason when the
# environment is not built.
set -u
environment=${1:?usage: trace_gallery_on.sh ENVIRONMENT}
here=$(cd "$(dirname "$0")/../.." && pwd)
venv=$("$here/scripts/venvs.sh" --path "$environment") || { echo "skipped: environment $environment is not built" >&2; exit 77; }
TPU_GALLERY_PYTHON="$venv/bin/python" exec /usr/bin/python3 -m pytest -q -rsx -p no:cacheprovider "$here/tests/trace_gallery"
