#!/usr/bin/env bash
# Builds the embedded default models (models/<Type>/1/ and their shared word-vector table
# models/.embeddings/<sha256>/) from scratch, as they were made:
#   1. the training splits of every available HUNER corpus, exported as JSONL;
#   2. word vectors: fastText skip-gram with character n-grams (bioner-trainer embed) on
#      ../shared/pretrain plus those texts, dev/test documents of every corpus and all
#      documents of the held-out corpora removed by PMID/PMCID; then re-stored as F16
#      (bioner-trainer embed convert), the table the models are trained on and ship with;
#   3. a BiLSTM-CRF per entity type (bioner-trainer train, configs/default-models/*.yaml), two
#      jobs at a time with one thread each (on 2 cores, one thread per process is several
#      times faster than two threads fighting over a busy machine).
# The previous defaults (small BERTs pretrained here; docs/MODELS.md) were made by this
# script's earlier version (git log -- scripts/train-default-models.sh).
# Usage: scripts/train-default-models.sh [BUILD_DIR] [STAGE...]   (stages: export embed
# finetune; default all). Run from anywhere; paths are relative to the repository.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BUILD=${1:-build}
shift || true
STAGES=${*:-export embed finetune}
T="$BUILD/trainer/bioner-trainer"
SHARED="$ROOT/../shared"
OUT="$BUILD/default-models"
LOGS="$OUT/logs"
TYPES=(Gene Chemical Disease Species CellLine)
mkdir -p "$OUT" "$LOGS"
export OPENBLAS_NUM_THREADS=1   # torch's own thread count is set by the commands
has() { [[ " $STAGES " == *" $1 "* ]]; }
stamp() { echo "[$(date -u +%H:%M:%S)] $*"; }

if has export; then
  for t in "${TYPES[@]}"; do
    stamp "export $t train split"
    "$T" corpus export --type "$t" --split train --mirror "$SHARED/corpora" --out "$OUT/train-$t.jsonl"
  done
fi

if has embed; then
  texts=()
  for f in "$SHARED"/pretrain/*.jsonl.gz; do texts+=(--in "$f"); done
  for t in "${TYPES[@]}"; do texts+=(--train-split "$OUT/train-$t.jsonl"); done
  rm -rf "$OUT/embeddings-f32" "$OUT/embeddings"
  stamp "embed (fastText, about 75 min on one core)"
  /usr/bin/time -f "%e s wall, %M kB peak" "$T" embed "${texts[@]}" --exclude-splits "$SHARED/corpora/huner_splits" \
    --out "$OUT/embeddings-f32" 2> >(tee "$LOGS/embed.log" >&2)
  "$T" embed convert --from "$OUT/embeddings-f32" --out "$OUT/embeddings" --dtype F16
fi

if has finetune; then
  lane() {
    for t in "$@"; do
      lc=$(echo "$t" | tr '[:upper:]' '[:lower:]')
      stamp "train $t"
      /usr/bin/time -f "$t: %e s wall, %U s user, %M kB peak" "$T" train --config "configs/default-models/$lc.yaml" \
        > "$LOGS/train-$t.json" 2> "$LOGS/train-$t.log"
      stamp "done $t: $(cat "$LOGS/train-$t.json")"
    done
  }
  lane Gene Species &
  lane CellLine Disease Chemical &
  wait
fi
stamp "all stages done"
