#!/usr/bin/env bash
# Install what is missing, then check and build both sample dossiers into build/<sample>/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
for s in samples/*/; do
  s=${s%/}
  [ -f "$s/enterprise.yaml" ] || continue
  name=$(basename "$s")
  echo "== $name =="
  .venv/bin/dossier build "$s" -o "build/$name"
done
