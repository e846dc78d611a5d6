#!/usr/bin/env bash
# Runs bioner's benchmarks side by side (docs/BENCHMARKS.md): the tokenizer, then our BERT
# forward pass and PyTorch's fused encoder on the same shapes, alternating, ROUNDS times, so
# that load on the machine hits both alike. Compare medians, not single runs.
set -euo pipefail
BUILD=${1:-build}
ROUNDS=${ROUNDS:-3}
THREADS=${THREADS:-2}
ROOT=$(cd "$(dirname "$0")/.." && pwd)

echo "== tokenizer throughput (MB/s of real abstracts)"
"$BUILD/bench/tokenizer_bench" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true

for round in $(seq "$ROUNDS"); do
  echo "== round $round: bioner forward (threads=$THREADS)"
  BIONER_BENCH_THREADS=$THREADS "$BUILD/bench/forward_bench"
  echo "== round $round: PyTorch nn.TransformerEncoder fast path (threads=$THREADS)"
  /usr/bin/python3 "$ROOT/bench/pytorch_forward.py" --threads "$THREADS" --runs 3
done

# bioner-server (issue #5): batching on/off, 1 and 5 models, model-only, padding, memory,
# the BERT-base efficiency and the H100 projection; interleaved rounds inside one program.
echo "== bioner-server through the client library vs model-only (server_bench)"
"$BUILD/bench/server_bench" ${SERVER_BENCH_FLAGS:-}
