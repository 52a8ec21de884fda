#!/usr/bin/env bash
# Installs what tpu-migrate needs on Debian 12, only what is missing (so a second run is a
# no-op). Usage: scripts/install-deps.sh [build|test]
set -euo pipefail

# libclang-19-dev: the C++/CUDA front end (analyzer/cpp). libtorch-dev: the numerics engine of
# `check` (checker/torch) and the TorchScript tracer (`trace --torchscript`). libxxhash-dev: the
# result cache's content hash (analyzer/cache).
want=(build-essential cmake ninja-build pkg-config git
      libtree-sitter-dev libcli11-dev nlohmann-json3-dev libtomlplusplus-dev doctest-dev libgit2-dev
      libclang-19-dev libtorch-dev libxxhash-dev)
if [[ ${1:-build} == test ]]; then
  # python3-torch: the rewritten sample must still train (tests/cli/test_rewrite.py), `trace`
  # runs real programs, `check` has a Python worker; the op database's generator tests use
  # python3-yaml; SARIF is validated against its schema with python3-jsonschema; the HTML report
  # is rendered by a real Chromium (with a font, so that text has a size).
  want+=(python3 python3-pytest python3-yaml python3-torch python3-jsonschema
         chromium fonts-dejavu-core)
fi
# The tree-sitter Python grammar comes from the npm registry (cmake/TreeSitterPython.cmake).
command -v npm >/dev/null 2>&1 || want+=(npm)

missing=()
for package in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done
if ((${#missing[@]})); then
  echo "Installing: ${missing[*]}" >&2
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
