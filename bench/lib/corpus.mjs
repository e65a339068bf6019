// Deterministic generator of realistic migration files (Prisma, knex/TypeORM/MikroORM-style and hand-written SQL).
import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

/** mulberry32: a tiny seeded PRNG, so every run checks the same corpus. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TABLES = ['users', 'orders', 'order_items', 'products', 'invoices', 'accounts', 'sessions', 'events', 'comments', 'posts', 'tags', 'payments'];
const COLUMNS = ['status', 'country', 'email', 'created_at', 'updated_at', 'total_cents', 'owner_id', 'title', 'body', 'slug', 'note', 'score'];
const TYPES = ['text', 'varchar(255)', 'integer', 'bigint', 'timestamp(3)', 'timestamptz', 'boolean', 'jsonb', 'numeric(12,2)'];
const COMMENTS = ['-- add the new billing fields', '-- Ajoute la colonne « pays » (données clients)', '-- 追加: インデックス', '/* Warnings:\n  - You are about to drop the column `legacy` on the `users` table. All the data in the column will be lost.\n*/'];

/** One statement; `q` quotes identifiers the way the file's ORM does. */
function statement(r, q, n) {
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  const t = q(pick(TABLES));
  const c = q(pick(COLUMNS) + (r() < 0.3 ? `_${n}` : ''));
  const ty = pick(TYPES);
  switch (Math.floor(r() * 17)) {
    case 0: {
      const cols = Array.from({ length: 3 + Math.floor(r() * 8) }, (_, i) => `    ${q(pick(COLUMNS) + '_' + i)} ${pick(TYPES)}${r() < 0.4 ? ' NOT NULL' : ''}`);
      return `-- CreateTable\nCREATE TABLE ${q(pick(TABLES) + '_' + n)} (\n    ${q('id')} BIGSERIAL NOT NULL,\n${cols.join(',\n')},\n    CONSTRAINT ${q('pk_' + n)} PRIMARY KEY (${q('id')})\n);`;
    }
    case 1: return `ALTER TABLE ${t} ADD COLUMN ${c} ${ty};`;
    case 2: return `ALTER TABLE ${t} ADD COLUMN ${c} ${ty} NOT NULL;`;
    case 3: return `ALTER TABLE ${t} ADD COLUMN ${c} ${ty} NOT NULL DEFAULT ${ty.startsWith('int') || ty.startsWith('big') ? '0' : "'x'"};`;
    case 4: return `-- CreateIndex\nCREATE INDEX ${q('idx_' + n)} ON ${t}(${c});`;
    case 5: return `CREATE INDEX CONCURRENTLY IF NOT EXISTS ${q('idx_c_' + n)} ON ${t} (${c});`;
    case 6: return `CREATE UNIQUE INDEX ${q('uq_' + n)} ON ${t}(${c});`;
    case 7: return `ALTER TABLE ${t} ADD CONSTRAINT ${q('chk_' + n)} CHECK (${c} IS NOT NULL)${r() < 0.5 ? ' NOT VALID' : ''};`;
    case 8: return `-- AddForeignKey\nALTER TABLE ${t} ADD CONSTRAINT ${q('fk_' + n)} FOREIGN KEY (${c}) REFERENCES ${q(pick(TABLES))}(${q('id')}) ON DELETE ${pick(['CASCADE', 'RESTRICT', 'SET NULL'])} ON UPDATE CASCADE${r() < 0.3 ? ' NOT VALID' : ''};`;
    case 9: return `ALTER TABLE ${t} VALIDATE CONSTRAINT ${q('fk_' + n)};`;
    case 10: return `ALTER TABLE ${t} RENAME COLUMN ${c} TO ${q('renamed_' + n)};`;
    case 11: return `ALTER TABLE ${t} ALTER COLUMN ${c} TYPE ${ty}${r() < 0.3 ? ` USING ${c}::${ty}` : ''};`;
    case 12: return `ALTER TABLE ${t} ALTER COLUMN ${c} SET NOT NULL;`;
    case 13: return `UPDATE ${t} SET ${c} = 'backfilled'${r() < 0.5 ? ` WHERE ${c} IS NULL` : ''};`;
    case 14: return `CREATE TYPE ${q('enum_' + n)} AS ENUM ('draft', 'published', 'archived');`;
    case 15: return `ALTER TYPE ${q('enum_' + (n - 1))} ADD VALUE IF NOT EXISTS 'deleted';`;
    default: return `SET lock_timeout = '${1 + Math.floor(r() * 5)}s';`;
  }
}

/** Writes `files` migrations under `dir` (skipped when a matching corpus is there). Returns its totals. */
export function ensureCorpus(dir, files, seed = 42) {
  const stamp = join(dir, 'corpus.json');
  if (existsSync(stamp)) {
    const meta = JSON.parse(readFileSync(stamp, 'utf8'));
    if (meta.files === files && meta.seed === seed) return meta;
  }
  rmSync(dir, { recursive: true, force: true });
  const r = prng(seed);
  let statements = 0;
  let bytes = 0;
  for (let i = 0; i < files; i++) {
    const prisma = r() < 0.45;
    const q = prisma ? (s) => `"${s}"` : (s) => s;
    const parts = [];
    if (r() < 0.3) parts.push(COMMENTS[Math.floor(r() * COMMENTS.length)]);
    const n = 1 + Math.floor(r() * 15);
    const tx = !prisma && r() < 0.2;
    if (tx) parts.push('BEGIN;');
    for (let k = 0; k < n; k++) parts.push(statement(r, q, i * 100 + k));
    if (tx) parts.push('COMMIT;');
    statements += n + (tx ? 2 : 0);
    const text = parts.join('\n\n') + '\n';
    bytes += Buffer.byteLength(text);
    const path = prisma ? join(dir, `prisma/${String(20240101000000 + i)}_m${i}/migration.sql`) : join(dir, `sql/${String(i).padStart(5, '0')}_migration.sql`);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
  }
  const meta = { files, seed, statements, bytes };
  writeFileSync(stamp, JSON.stringify(meta));
  return meta;
}
