#!/usr/bin/env bash
# Builds the embedded default models (models/<Type>/1/) from scratch, as they were made:
#   1. the training splits of every available HUNER corpus, exported as JSONL (pretraining text);
#   2. a cased WordPiece vocabulary from ../shared/pretrain plus those texts (bioner-trainer vocab);
#   3. MLM pretraining of a small BERT from scratch, then a second, continued run from its
#      checkpoint (bioner-trainer pretrain); dev/test documents of every corpus and all
#      documents of the held-out corpora are removed by PMID/PMCID in steps 2 and 3;
#   4. fine-tuning per entity type (bioner-trainer train, configs/default-models/*.yaml), two
#      jobs at a time with one thread each (on 2 cores, one thread per process is several
#      times faster than two threads fighting over a busy machine).
# Usage: scripts/train-default-models.sh [BUILD_DIR] [STAGE...]   (stages: export vocab
# pretrain finetune; default all). Run from anywhere; paths are relative to the repository.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BUILD=${1:-build}
shift || true
STAGES=${*:-export vocab pretrain finetune}
T="$BUILD/trainer/bioner-trainer"
SHARED="$ROOT/../shared"
OUT="$BUILD/default-models"
LOGS="$OUT/logs"
TYPES=(Gene Chemical Disease Species CellLine)
mkdir -p "$OUT" "$LOGS"
export OPENBLAS_NUM_THREADS=1   # torch's own thread count is set by the commands
has() { [[ " $STAGES " == *" $1 "* ]]; }
stamp() { echo "[$(date -u +%H:%M:%S)] $*"; }

texts=()
for f in "$SHARED"/pretrain/*.jsonl.gz; do texts+=(--in "$f"); done
for t in "${TYPES[@]}"; do texts+=(--in "$OUT/train-$t.jsonl"); done
exclude=(--exclude-splits "$SHARED/corpora/huner_splits")

if has export; then
  for t in "${TYPES[@]}"; do
    stamp "export $t train split"
    "$T" corpus export --type "$t" --split train --mirror "$SHARED/corpora" --out "$OUT/train-$t.jsonl"
  done
fi

if has vocab; then
  stamp "vocab"
  /usr/bin/time -f "%e s, %M kB" "$T" vocab "${texts[@]}" "${exclude[@]}" --size 12000 \
    --out "$OUT/vocab.txt" 2> >(tee "$LOGS/vocab.log" >&2)
fi

arch=(--hidden-size 128 --layers 4 --heads 2 --intermediate-size 512 --max-position-embeddings 128)
common=(--max-seq-len 128 --batch-size 16 --threads 1 --log-interval 50 --eval-interval 250)
if has pretrain; then
  rm -rf "$OUT/encoder-stage1" "$OUT/encoder"
  stamp "pretrain stage 1 (from scratch)"
  "$T" pretrain "${texts[@]}" "${exclude[@]}" --vocab "$OUT/vocab.txt" --out "$OUT/encoder-stage1" \
    "${arch[@]}" "${common[@]}" --steps 1600 --max-minutes 28 --learning-rate 7e-4 --warmup-ratio 0.06 --seed 42 \
    2> >(tee "$LOGS/pretrain-stage1.log" >&2)
  stamp "pretrain stage 2 (continued from stage 1)"
  "$T" pretrain "${texts[@]}" "${exclude[@]}" --model "$OUT/encoder-stage1" --out "$OUT/encoder" \
    "${common[@]}" --steps 1800 --max-minutes 16 --learning-rate 1e-3 --warmup-ratio 0.02 --seed 43 \
    2> >(tee "$LOGS/pretrain-stage2.log" >&2)
fi

if has finetune; then
  lane() {
    for t in "$@"; do
      lc=$(echo "$t" | tr '[:upper:]' '[:lower:]')
      stamp "fine-tune $t"
      /usr/bin/time -f "$t: %e s wall, %U s user, %M kB peak" "$T" train --config "configs/default-models/$lc.yaml" \
        > "$LOGS/train-$t.json" 2> "$LOGS/train-$t.log"
      stamp "done $t: $(cat "$LOGS/train-$t.json")"
    done
  }
  lane Gene Chemical &
  lane Species Disease CellLine &
  wait
fi
stamp "all stages done"
