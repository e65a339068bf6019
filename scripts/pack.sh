#!/usr/bin/env bash
# Packs every published package into DIR (default ./tarballs) exactly as `pnpm publish` would: built from clean
# (no stale file of an earlier build in dist/), workspace:* ranges rewritten to the versions being released.
# Usage: bash scripts/pack.sh [DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mkdir -p "${1:-tarballs}" && cd "${1:-tarballs}" && pwd)
rm -rf packages/*/dist
pnpm exec turbo run build --force --filter='./packages/*' --output-logs=errors-only >/dev/null
for pkg in packages/*/; do
  [ "$(node -p "require('./${pkg}package.json').private === true")" = true ] && continue
  (cd "$pkg" && pnpm pack --pack-destination "$out" >/dev/null)
done
ls "$out"/*.tgz
