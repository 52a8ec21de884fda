#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Checks out each repository of the manifests (default repos.tsv) at its pinned commit under DIR
# (default ./corpus), one folder per repository, named as the manifest names it; score.py --corpus
# DIR reads them. This is for a person to run by hand: it downloads from GitHub (its test clones
# a local repository instead).
#
#   bench/accuracy/checkout.sh /tmp/corpus
#   python3 bench/accuracy/score.py --corpus /tmp/corpus --tool build/tpu-migrate
#   held_out=bench/accuracy/heldout-2026-12-04.tsv
#   bench/accuracy/checkout.sh /tmp/heldout "$held_out"
#   python3 bench/accuracy/score.py --corpus /tmp/heldout --manifest "$held_out"
#
# Each repository costs one full clone (the pinned commit may be far behind the default branch).
# Submodules are not needed: the labels cover each repository's own files only.
set -eu
here=$(dirname "$0")
dir=${1:-corpus}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] || set -- "$here/repos.tsv"
for manifest in "$@"; do
  [ -f "$manifest" ] || { echo "checkout.sh: no manifest $manifest" >&2; exit 2; }
done
mkdir -p "$dir"
cat "$@" | grep -v '^#' | while IFS="$(printf '\t')" read -r name url commit files; do
  [ -n "$name" ] || continue
  if [ ! -d "$dir/$name/.git" ]; then
    git clone --filter=blob:none --no-checkout "$url" "$dir/$name"
  fi
  git -C "$dir/$name" checkout --quiet "$commit"
  echo "$name at $(git -C "$dir/$name" rev-parse HEAD)"
done
