#!/usr/bin/env bash
# Installs the npm tools of the deploy checks (deploy/check/package.json, versions pinned by
# its package-lock.json) into build/tools (or $BIONER_TOOLS_DIR), project-local, never
# global. Idempotent and offline when the installed lock file matches: nothing is fetched.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TOOLS=${BIONER_TOOLS_DIR:-$ROOT/build/tools}
SRC=$ROOT/deploy/check
if [[ -d "$TOOLS/node_modules" ]] && cmp -s "$SRC/package-lock.json" "$TOOLS/package-lock.json"; then
  echo "install-deploy-tools: $TOOLS up to date"
  exit 0
fi
mkdir -p "$TOOLS"
cp "$SRC/package.json" "$SRC/package-lock.json" "$TOOLS/"
echo "install-deploy-tools: npm ci in $TOOLS"
(cd "$TOOLS" && npm ci --no-audit --no-fund --loglevel=error)
