#!/usr/bin/env bash
# Install what is missing, then check and build both sample dossiers into build/<sample>/ (with the
# roadshow deck and the site-visit list), and the district view of both into build/district/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
built=()
for s in samples/*/; do
  s=${s%/}
  [ -f "$s/enterprise.yaml" ] || continue
  name=$(basename "$s")
  echo "== $name =="
  .venv/bin/dossier build "$s" -o "build/$name"
  .venv/bin/dossier deck "$s" -o "build/$name/路演演示文稿.pptx" -q
  .venv/bin/dossier site "$s" -o "build/$name/现场核验准备清单.pdf" --build "build/$name" -q
  built+=("build/$name")
done
echo "== 区级汇总 =="
.venv/bin/dossier district "${built[@]}" -o build/district -q
