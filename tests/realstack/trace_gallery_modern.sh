#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The trace gallery (tests/trace_gallery) once more, its programs run by the torch-modern
# environment's torch instead of Debian's 1.13. Exit 77 (ctest: Skipped) with the reason when the
# environment is not built.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
venv=$("$here/scripts/venvs.sh" --path torch-modern) || { echo "skipped: environment torch-modern is not built" >&2; exit 77; }
TPU_GALLERY_PYTHON="$venv/bin/python" exec /usr/bin/python3 -m pytest -q -rsx -p no:cacheprovider "$here/tests/trace_gallery"
