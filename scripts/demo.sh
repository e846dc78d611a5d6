#!/usr/bin/env bash
# make demo: starts bioner-server on loopback, streams the real abstracts in examples/
# through bioner-client, prints the entities readably, and stops the server.
#
# It serves the embedded default models (models/, docs/MODELS.md). In a checkout without them
# it falls back to UNTRAINED random-weight models and says so: then the entities it prints are
# noise, while everything else (server, batching, streaming, windows, offsets) is real.
set -euo pipefail
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "$BUILD" && pwd)
TOOL="$BUILD/tool/bioner-tool"
VOCAB="$ROOT/tests/data/testvectors/vocab/biobert-v1.1/vocab.txt"
DEMO="$BUILD/demo"
REPO="$DEMO/models"

if [[ -f "$ROOT/models/Disease/current" ]]; then
  REPO="$ROOT/models"
else
  echo "== NOTE: no trained default models yet (issue #4): serving UNTRAINED random-weight"
  echo "   models from $REPO; the entities below are noise, the mechanics are real."
  seed=7
  for type in Disease Chemical; do
    if [[ ! -f "$REPO/$type/1/model.safetensors" ]]; then
      sed "s/Disease/$type/g" "$ROOT/configs/demo-untrained-disease.json" > "$DEMO.$type.json"
      vocab_flag=()
      [[ -f "$VOCAB" ]] && vocab_flag=(--vocab "$VOCAB")
      "$TOOL" init-model --config "$DEMO.$type.json" "${vocab_flag[@]}" --out "$REPO/$type/1" --seed $((seed++))
      echo '{"do_lower_case": false}' > "$REPO/$type/1/tokenizer_config.json"
      echo 1 > "$REPO/$type/current"
      rm -f "$DEMO.$type.json"
    fi
  done
fi

mkdir -p "$DEMO"
sed -e "s|^  repository: models|  repository: $REPO|" \
    -e "s|^  entity_types: .*|  entity_types: []|" "$ROOT/configs/server.yaml" > "$DEMO/server.yaml"
LOG="$DEMO/server.log"
"$BUILD/server/bioner-server" --config "$DEMO/server.yaml" --listen 127.0.0.1:0 \
  --metrics 127.0.0.1:0 2> "$LOG" &
SERVER=$!
trap 'kill -TERM $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT

ADDR=""
for _ in $(seq 300); do
  ADDR=$(sed -n 's/.*listening on \([0-9.:]*\).*/\1/p' "$LOG" | head -1)
  [[ -n "$ADDR" ]] && break
  kill -0 $SERVER 2>/dev/null || { cat "$LOG"; echo "bioner-server failed to start"; exit 1; }
  sleep 0.2
done
[[ -n "$ADDR" ]] || { cat "$LOG"; echo "bioner-server did not start in 60 s"; exit 1; }
echo "== bioner-server listening on $ADDR; models:"
"$BUILD/client/bioner-client" models --server "$ADDR"

OUT="$DEMO/annotated.jsonl"
rm -f "$OUT"
echo "== streaming examples/abstracts.jsonl through bioner-client"
"$BUILD/client/bioner-client" annotate --server "$ADDR" --in "$ROOT/examples/abstracts.jsonl" \
  --out "$OUT"
echo "== the first two documents, entities marked [text]{Type}"
head -2 "$OUT" | "$TOOL" show
echo "== all annotated documents: $OUT"
echo
echo "== done. The annotated documents are in $OUT (JSONL, docs/FORMATS.md)."
echo "   To annotate your own files, serve the default models and stream them through the client:"
echo "     $BUILD/server/bioner-server --config configs/server.yaml --listen 127.0.0.1:50051 &"
echo "     $BUILD/client/bioner-client annotate --server 127.0.0.1:50051 --in YOUR_FILE --out annotated.jsonl"
echo "   Inputs: PubMed XML (.xml.gz), PMC JATS, BioC, PubTator, JSONL or plain text; whole folders"
echo "   with --in DIR --out-dir OUT_DIR (docs/CLIENT.md)."
