#!/usr/bin/env bash
# make demo (until the tagging server of issue #5 and the trained default models of issue #4
# exist): shows the pipeline end to end on the real abstracts in examples/ with the tool.
set -euo pipefail
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TOOL="$BUILD/tool/bioner-tool"
VOCAB="$ROOT/../shared/testvectors/vocab/biobert-v1.1/vocab.txt"
MODEL="$BUILD/demo/untrained-disease"

echo "== bioner demo: tokenizing the first example abstract (BioBERT cased WordPiece)"
if [[ -f "$VOCAB" ]]; then
  head -1 "$ROOT/examples/abstracts.jsonl" | python3 -c '
import json, sys
d = json.loads(sys.stdin.readline())
print(json.dumps({"text": d["passages"][0]["text"]}))' | "$TOOL" tokenize --vocab "$VOCAB" | head -c 600
  echo; echo
else
  echo "(skipped: $VOCAB not found)"
fi

echo "== tagging examples/abstracts.jsonl"
echo "   NOTE: the trained default models arrive with issue #4. This demo uses an UNTRAINED"
echo "   model with random weights, so the entities below are noise; only the mechanics"
echo "   (windows, offsets, decoding, output) are real."
if [[ ! -f "$MODEL/model.safetensors" ]]; then
  "$TOOL" init-model --config "$ROOT/configs/demo-untrained-disease.json" \
    ${VOCAB:+$([[ -f "$VOCAB" ]] && echo --vocab "$VOCAB")} --out "$MODEL" --seed 7
  echo '{"do_lower_case": false}' > "$MODEL/tokenizer_config.json"
fi
"$TOOL" tag --model "$MODEL" < "$ROOT/examples/abstracts.jsonl" | head -2 | "$TOOL" show
