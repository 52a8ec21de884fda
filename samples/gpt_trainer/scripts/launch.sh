#!/usr/bin/env bash
# Single-node data-parallel training on an 8x A100 box.
# Usage: scripts/launch.sh [extra train.py args]
set -euo pipefail
cd "$(dirname "$0")/.."

export OMP_NUM_THREADS="${OMP_NUM_THREADS:-8}"
export NCCL_DEBUG="${NCCL_DEBUG:-WARN}"
export CUDA_VISIBLE_DEVICES="${CUDA_VISIBLE_DEVICES:-0,1,2,3,4,5,6,7}"

# Build the fused ops once (no-op if already built).
python setup.py build_ext --inplace > /dev/null

torchrun --nproc_per_node=8 train.py \
    --device cuda --amp --compile \
    --steps 5000 --batch-size 64 --block-size 256 --n-layer 6 --d-model 384 --n-head 6 \
    "$@"
