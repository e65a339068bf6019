#!/usr/bin/env bash
# Release smoke test: what `pnpm publish` would ship, installed the way users install it.
# Builds every package from clean, packs it with pnpm (workspace:* ranges become real versions), installs the
# tarballs with plain npm into a fresh project outside the workspace, and there runs `npx pgsafe check`,
# `npx pgsafe run --dry-run`, a CommonJS pgsafe.config.js, and loads pgsafe and every adapter from ESM and from
# CommonJS, wiring each adapter into its ORM (TypeORM 0.3 and 1.x, knex 3, MikroORM 6). Exits non-zero on the first
# failure. Needs only the npm registry.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
work=$(mktemp -d "${TMPDIR:-/tmp}/pgsafe-pack-XXXXXX")
trap 'rm -rf "$work"' EXIT
# The ORM versions the adapters are tested with; TypeORM is checked on both majors the peer range admits.
ORMS=(knex@3.3.0 pg@8.23.1 @mikro-orm/core@6.6.16 @mikro-orm/migrations@6.6.16 @mikro-orm/postgresql@6.6.16)
TYPEORMS=(0.3.28 1.1.1)
step() { printf '\n--- %s\n' "$*"; }
fail() { echo "pack-smoke: FAILED: $*" >&2; exit 1; }

if [ -n "${PGSAFE_TARBALLS:-}" ]; then
  # Tarballs packed beforehand (.ci/run packs first, then runs this beside the test suites: packing rebuilds dist/,
  # which the suites' CLI tests use, while what follows only installs and runs the tarballs).
  step "tarballs from $PGSAFE_TARBALLS"
  mkdir -p "$work/tarballs" && cp "$PGSAFE_TARBALLS"/*.tgz "$work/tarballs/"
else
  step "scripts/pack.sh: clean build, pnpm pack"
  bash scripts/pack.sh "$work/tarballs"
fi
for tarball in "$work"/tarballs/*.tgz; do
  manifest=$(tar -xOzf "$tarball" package/package.json)
  grep -q '"workspace:' <<<"$manifest" && fail "$(basename "$tarball") still has a workspace: range"
  printf '%-30s %4s files  %s\n' "$(basename "$tarball")" "$(tar -tzf "$tarball" | wc -l)" "$(node -p 'const m=JSON.parse(process.argv[1]); Object.entries(m.dependencies??{}).filter(([n])=>n.startsWith("@pgsafe/")).map(([n,v])=>n+"@"+v).join(" ")||"-"' "$manifest")"
done

step "npm install of the tarballs into a fresh project"
app="$work/app"
mkdir -p "$app/migrations"
cd "$app"
npm init -y >/dev/null
npm install --no-audit --no-fund --loglevel=error "$work"/tarballs/*.tgz "${ORMS[@]}" "typeorm@${TYPEORMS[0]}" >/dev/null
echo "installed: $(npm ls --depth=0 2>/dev/null | tail -n +2 | sed 's/.* //' | tr '\n' ' ')"

step "npx pgsafe check (a dangerous migration: exit 1 and its findings)"
cp "$repo/examples/migrations/001_add_country_and_orders_constraints.sql" migrations/001.sql
set +e
npx --no-install pgsafe check migrations/001.sql --no-color >check.out 2>&1
code=$?
set -e
tail -1 check.out
[ "$code" = 1 ] || { cat check.out; fail "pgsafe check exited $code, expected 1"; }
grep -q 'error\[adding-required-field\]' check.out || fail "pgsafe check did not report adding-required-field"

step "CommonJS pgsafe.config.js (require('pgsafe')) turns a rule off"
cat >pgsafe.config.js <<'EOF'
const { defineConfig } = require('pgsafe');
module.exports = defineConfig({ rules: { 'adding-required-field': 'off' } });
EOF
set +e
npx --no-install pgsafe check migrations/001.sql --no-color >check-config.out 2>&1
set -e
tail -1 check-config.out
grep -q 'adding-required-field' check-config.out && fail "the CommonJS config was not applied"
grep -q 'error\[' check-config.out || { cat check-config.out; fail "pgsafe check with the CommonJS config reported nothing"; }
rm pgsafe.config.js

step "npx pgsafe run --dry-run (the safe migration: its plan, no database)"
cp "$repo/examples/migrations/002_add_country_and_orders_constraints_safe.sql" migrations/002.sql
npx --no-install pgsafe run --dry-run --pg-version 15 migrations/002.sql --no-color >run.out 2>&1 || { cat run.out; fail "pgsafe run --dry-run failed"; }
grep -c 'step' run.out | xargs printf '%s lines naming steps; last line: '
tail -1 run.out

# Each adapter wired into its ORM, from both module systems; prints one line per module loaded.
cat >load.cjs <<'EOF'
const names = (m) => Object.keys(m).filter((k) => k !== 'default');
const loaded = (name, m) => console.log(`cjs ${name}: ${names(m).length > 20 ? `${names(m).length} exports` : names(m).sort().join(', ')}`);
for (const name of ['pgsafe', '@pgsafe/core', '@pgsafe/knex', '@pgsafe/typeorm', '@pgsafe/mikro-orm', '@pgsafe/prisma']) loaded(name, require(name));
const url = 'postgres://app@127.0.0.1:1/app';
const db = require('knex')(require('@pgsafe/knex').withPgsafe({ client: 'pg', connection: url }));
const { DataSource } = require('typeorm');
const ds = require('@pgsafe/typeorm').withPgsafe(new DataSource({ type: 'postgres', url }));
const { Migrator } = require('@mikro-orm/migrations');
const { PostgreSqlDriver } = require('@mikro-orm/postgresql');
const mikro = require('@pgsafe/mikro-orm').withPgsafe({ driver: PostgreSqlDriver, clientUrl: url, extensions: [Migrator] });
console.log(`cjs wiring: knex ${typeof db.migrate.latest}, typeorm ${JSON.parse(require('fs').readFileSync('node_modules/typeorm/package.json', 'utf8')).version} ${ds.options.type}, mikro-orm extensions ${mikro.extensions.length}`);
db.destroy();
EOF
cat >load.mjs <<'EOF'
const names = (m) => Object.keys(m).filter((k) => k !== 'default');
const loaded = (name, m) => console.log(`esm ${name}: ${names(m).length > 20 ? `${names(m).length} exports` : names(m).sort().join(', ')}`);
for (const name of ['pgsafe', '@pgsafe/core', '@pgsafe/knex', '@pgsafe/typeorm', '@pgsafe/mikro-orm', '@pgsafe/prisma']) loaded(name, await import(name));
const { default: knex } = await import('knex');
const { withPgsafe: knexGuard } = await import('@pgsafe/knex');
const { DataSource } = await import('typeorm');
const { withPgsafe: typeormGuard } = await import('@pgsafe/typeorm');
const { Migrator } = await import('@mikro-orm/migrations');
const { PostgreSqlDriver } = await import('@mikro-orm/postgresql');
const { withPgsafe: mikroGuard } = await import('@pgsafe/mikro-orm');
const url = 'postgres://app@127.0.0.1:1/app';
const db = knex(knexGuard({ client: 'pg', connection: url }));
const ds = typeormGuard(new DataSource({ type: 'postgres', url }));
const mikro = mikroGuard({ driver: PostgreSqlDriver, clientUrl: url, extensions: [Migrator] });
const { readFileSync } = await import('node:fs');
console.log(`esm wiring: knex ${typeof db.migrate.latest}, typeorm ${JSON.parse(readFileSync('node_modules/typeorm/package.json', 'utf8')).version} ${ds.options.type}, mikro-orm extensions ${mikro.extensions.length}`);
await db.destroy();
EOF
for typeorm in "${TYPEORMS[@]}"; do
  step "load and wire every package, TypeORM $typeorm"
  [ "$typeorm" = "${TYPEORMS[0]}" ] || npm install --no-audit --no-fund --loglevel=error "typeorm@$typeorm" >/dev/null
  node load.cjs || fail "CommonJS loading with TypeORM $typeorm"
  node load.mjs || fail "ESM loading with TypeORM $typeorm"
done

echo
echo "pack-smoke: passed ($(ls "$work"/tarballs | wc -l) tarballs; TypeORM ${TYPEORMS[*]})"
