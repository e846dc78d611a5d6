#!/usr/bin/env bash
# Training throughput side by side (docs/BENCHMARKS.md, "Training"): bioner's fine-tuning step
# (bench/train_bench) and the same model, batch and optimizer in plain PyTorch
# (bench/pytorch_train.py, Debian's python3-torch), alternating, ROUNDS times per shape, each
# run its own process so that its peak RSS is its own. Compare the medians.
#   scripts/run-train-bench.sh [BUILD_DIR]      ROUNDS=3 THREADS=1 SHAPES="default base"
set -euo pipefail
BUILD=${1:-build}
ROUNDS=${ROUNDS:-3}
THREADS=${THREADS:-1}
SHAPES=${SHAPES:-default base}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export OPENBLAS_NUM_THREADS=1
echo "# $(date -u +%FT%TZ) load: $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq "$ROUNDS"); do
  for shape in $SHAPES; do
    steps=20
    [[ $shape == base ]] && steps=3
    "$BUILD/bench/train_bench" --shape "$shape" --threads "$THREADS" --steps "$steps" --rounds 1
    /usr/bin/python3 "$ROOT/bench/pytorch_train.py" --shape "$shape" --threads "$THREADS" --steps "$steps" --rounds 1
  done
done
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
