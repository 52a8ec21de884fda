#!/usr/bin/env bash
# Creates the pinned Python environments of the real-stack test tier (tests/realstack), cached
# outside the clone so that CI and a developer pay for each one once.
#
#   scripts/venvs.sh                  build the environments named in $TPU_MIGRATE_VENVS
#                                     (default: torch-modern torch-xla torch-tpu); a second run does nothing
#   scripts/venvs.sh NAME...          build these
#   scripts/venvs.sh --path NAME      print the ready environment's folder; exit 1 with the reason
#                                     on stderr when it is not built (the tests skip with it)
#   scripts/venvs.sh --list           the environments and their pins
#
# Each environment lives in $TPU_MIGRATE_VENV_DIR (default /var/cache/tpu-migrate/venvs) as
# NAME-HASH, HASH a digest of its interpreter and pins: changing a pin builds a new folder, the old
# one stays until removed by hand. Downloaded wheels are kept in $TPU_MIGRATE_VENV_DIR/wheels (pip
# does not cache on every machine), so a rebuild downloads nothing twice. Every package is pinned exactly and installed with --no-deps, so
# no resolver picks a version on its own. A build holds a lock (flock) per environment: two test
# runs at once wait for each other instead of racing. A failed build leaves NAME-HASH.failed with
# the reason; the next run tries again.
set -euo pipefail

venv_root=${TPU_MIGRATE_VENV_DIR:-/var/cache/tpu-migrate/venvs}
# The interpreter the environments are made from: the wheels below are for CPython 3.11.
base_python=${TPU_MIGRATE_VENV_PYTHON:-python3.11}

# torch-modern: current torch (the CPU wheel of 2.13.0 lies on the project's machines), for
# `trace` and `check` on a modern stack. Every pin here is available without a download there.
pins_torch_modern=(
  torch==2.13.0 filelock==4.0.8 typing-extensions==4.16.0 setuptools==80.9.0 sympy==1.14.0
  mpmath==1.3.0 networkx==3.6.1 jinja2==3.1.6 markupsafe==3.0.3 fsspec==2026.9.0
  numpy==2.3.5
  pytest==8.4.2 iniconfig==2.3.0 pluggy==1.6.0 packaging==26.3 pygments==2.21.0
)
# torch-xla: PyTorch/XLA 2.9.0 runs on the CPU with PJRT_DEVICE=CPU (real lazy tensors, real
# lowering, real CPU-fallback counters). It needs torch 2.9.0, which PyPI has only as a CUDA build:
# its nvidia-* libraries must be there for `import torch` (libtorch_global_deps links them) even
# though no GPU is used. triton is left out: nothing on the CPU loads it. About 1.9 GB download.
pins_torch_xla=(
  torch==2.9.0 torch-xla==2.9.0
  nvidia-cuda-nvrtc-cu12==12.8.93 nvidia-cuda-runtime-cu12==12.8.90 nvidia-cuda-cupti-cu12==12.8.90
  nvidia-cudnn-cu12==9.10.2.21 nvidia-cublas-cu12==12.8.4.1 nvidia-cufft-cu12==11.3.3.83
  nvidia-curand-cu12==10.3.9.90 nvidia-cusolver-cu12==11.7.3.90 nvidia-cusparse-cu12==12.5.8.93
  nvidia-cusparselt-cu12==0.7.1 nvidia-nccl-cu12==2.27.5 nvidia-nvshmem-cu12==3.3.20
  nvidia-nvtx-cu12==12.8.90 nvidia-nvjitlink-cu12==12.8.93 nvidia-cufile-cu12==1.13.1.3
  filelock==4.0.8 typing-extensions==4.16.0 sympy==1.14.0 mpmath==1.3.0 networkx==3.6.1
  jinja2==3.1.6 markupsafe==3.0.3 fsspec==2026.9.0
  absl-py==2.5.0 numpy==2.3.5 pyyaml==6.0.3 requests==2.34.2 urllib3==2.8.0 idna==3.20
  certifi==2026.7.22 charset-normalizer==3.5.2
  pytest==8.4.2 iniconfig==2.3.0 pluggy==1.6.0 packaging==26.3 pygments==2.21.0
)
# torch-tpu: TorchTPU 0.2.0 from PyPI on the torch 2.13.0 CPU wheel, with libtpu. Without a TPU it
# imports, its dispatcher lists the PrivateUse1 kernels (opdb sync) and its API carries stage
# metadata; no tensor can be made on device "tpu". About 0.3 GB download, 1.9 GB installed.
pins_torch_tpu=(
  torch==2.13.0 filelock==4.0.8 typing-extensions==4.16.0 setuptools==80.9.0 sympy==1.14.0
  mpmath==1.3.0 networkx==3.6.1 jinja2==3.1.6 markupsafe==3.0.3 fsspec==2026.9.0
  torch-tpu==0.2.0 libtpu==0.0.52 numpy==2.3.5 absl-py==2.5.0 portpicker==1.6.0 psutil==7.2.2
  tensorboard==2.21.0 tensorboard-data-server==0.7.2 grpcio==1.85.3 markdown==3.11.3 protobuf==7.36.2
  werkzeug==3.1.9 pillow==13.0.0 frozendict==2.5.1 immutabledict==4.3.1 pyzmq==27.3.0
  pytest==8.4.2 iniconfig==2.3.0 pluggy==1.6.0 packaging==26.3 pygments==2.21.0
)
# What each environment must be able to do before it counts as ready.
probe_torch_modern='import torch, numpy; torch.ones(2).add(1)'
probe_torch_tpu='import torch, torch_tpu; assert torch.accelerator.device_count() >= 0'
probe_torch_xla='import torch, torch_xla, torch_xla.debug.metrics; t = torch.ones(2, device=torch_xla.device()); assert (t + 1).sum().item() == 4'

names=(torch-modern torch-xla torch-tpu)

pins_of() { local var="pins_${1//-/_}[@]"; printf '%s\n' "${!var}"; }
probe_of() { local var="probe_${1//-/_}"; printf '%s' "${!var}"; }
known() { local n; for n in "${names[@]}"; do [[ $n == "$1" ]] && return 0; done; return 1; }

# NAME-HASH: the folder of an environment for the current pins and interpreter.
folder_of() {
  local version
  version=$("$base_python" -c 'import sys; print(sys.version.split()[0])' 2>/dev/null) || version=none
  local digest
  digest=$({ echo "python $version"; pins_of "$1"; } | sha256sum | cut -c1-12)
  echo "$venv_root/$1-$digest"
}

print_path() {
  known "$1" || { echo "unknown environment '$1' (known: ${names[*]})" >&2; return 2; }
  local folder
  folder=$(folder_of "$1")
  if [[ -f $folder/.ready ]]; then echo "$folder"; return 0; fi
  if [[ -f $folder.failed ]]; then
    echo "$1 could not be built: $(tail -n 1 "$folder.failed")" >&2
  else
    echo "$1 is not built (run scripts/venvs.sh $1; it is cached in $venv_root)" >&2
  fi
  return 1
}

build() {
  local name=$1 folder
  folder=$(folder_of "$name")
  [[ -f $folder/.ready ]] && return 0  # the common case: nothing to do, no lock taken
  if ! mkdir -p "$venv_root" 2>/dev/null || [[ ! -w $venv_root ]]; then
    echo "venvs: cannot write $venv_root (set TPU_MIGRATE_VENV_DIR); the tests that need $name skip" >&2
    return 0
  fi
  exec {lock}>"$folder.lock"
  flock "$lock"
  if [[ -f $folder/.ready ]]; then exec {lock}>&-; return 0; fi  # another run built it meanwhile
  local started=$SECONDS log="$folder.log" wheels="$venv_root/wheels"
  echo "venvs: building $name in $folder" >&2
  rm -rf "$folder" "$folder.failed"
  local -a pins
  mapfile -t pins < <(pins_of "$name")
  if ! command -v "$base_python" >/dev/null; then
    echo "no $base_python on PATH (set TPU_MIGRATE_VENV_PYTHON)" >"$folder.failed"
  elif ! { "$base_python" -m venv "$folder" &&
             "$folder/bin/python" -m pip download --no-deps --disable-pip-version-check -q -d "$wheels" "${pins[@]}" &&
             "$folder/bin/python" -m pip install --no-deps --disable-pip-version-check -q --no-index \
               --find-links "$wheels" "${pins[@]}" &&
             "$folder/bin/python" -c "$(probe_of "$name")"; } >"$log" 2>&1; then
    { echo "see $log"; grep -E 'ERROR|Error' "$log" | tail -n 1 || tail -n 1 "$log"; } >"$folder.failed"
  else
    "$folder/bin/python" -m pip freeze --all >"$folder/.ready"
  fi
  exec {lock}>&-
  if [[ -f $folder/.ready ]]; then
    echo "venvs: $name ready in $((SECONDS - started)) s, $(du -sh "$folder" | cut -f1)" >&2
  else
    echo "venvs: $name could not be built: $(tail -n 1 "$folder.failed") (the tests that need it skip)" >&2
    rm -rf "$folder"
  fi
}

case ${1:-} in
  --path) print_path "${2:?--path NAME}" ;;
  --list) for n in "${names[@]}"; do echo "$n ($(folder_of "$n")):"; pins_of "$n" | sed 's/^/  /'; done ;;
  -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//' ;;
  *)
    if (($#)); then wanted=("$@"); else read -ra wanted <<<"${TPU_MIGRATE_VENVS:-torch-modern torch-xla torch-tpu}"; fi
    for name in "${wanted[@]}"; do
      known "$name" || { echo "venvs: unknown environment '$name' (known: ${names[*]})" >&2; exit 2; }
      build "$name"  # a failure is reported and recorded, not fatal: the tests skip with the reason
    done
    ;;
esac
