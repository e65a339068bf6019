// Deterministic generator of migration files shaped like real ones: Prisma migration.sql, the SQL that TypeORM, knex
// and MikroORM emit, and hand-written files. Same seed and file count, same bytes, so runs and machines compare.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Bump when the output changes, so a corpus left by an older generator is rebuilt rather than reused. */
const GENERATOR_VERSION = 2;

/** mulberry32: a tiny seeded PRNG (Math.random cannot be seeded). */
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

/** Random helpers over one PRNG. */
function randomness(seed) {
  const r = prng(seed);
  const rnd = {
    r,
    chance: (p) => r() < p,
    int: (lo, hi) => lo + Math.floor(r() * (hi - lo + 1)),
    pick: (xs) => xs[Math.floor(r() * xs.length)],
    /** `n` distinct elements of `xs` (a table has each column once). */
    sample(xs, n) {
      const copy = [...xs];
      for (let i = 0; i < n; i++) {
        const j = i + Math.floor(r() * (copy.length - i));
        [copy[i], copy[j]] = [copy[j], copy[i]];
      }
      return copy.slice(0, n);
    },
    hex: (n) => Array.from({ length: n }, () => Math.floor(r() * 16).toString(16)).join(''),
    /** Picks a key of `weights` ({ key: weight }) in proportion to its weight. */
    weighted(weights) {
      const entries = Object.entries(weights);
      let x = r() * entries.reduce((s, [, w]) => s + w, 0);
      for (const [key, w] of entries) if ((x -= w) < 0) return key;
      return entries.at(-1)[0];
    },
  };
  return rnd;
}

// ---- Vocabulary -------------------------------------------------------------------------------------------------

const ENTITIES = ['user', 'account', 'organization', 'project', 'task', 'order', 'order_item', 'product', 'invoice', 'payment',
  'session', 'event', 'comment', 'post', 'tag', 'subscription', 'address', 'shipment', 'audit_log', 'notification', 'team',
  'membership', 'api_key', 'webhook', 'refund', 'coupon', 'warehouse', 'inventory_item', 'review', 'attachment'];

/** Column names and their kind (the kind picks the type each ORM would write). */
const COLUMNS = [
  ['email', 'str'], ['name', 'str'], ['status', 'str'], ['title', 'str'], ['slug', 'str'], ['country_code', 'str'],
  ['currency', 'str'], ['phone', 'str'], ['locale', 'str'], ['timezone', 'str'], ['external_id', 'str'], ['body', 'text'],
  ['description', 'text'], ['note', 'text'], ['total_cents', 'bigint'], ['quantity', 'int'], ['position', 'int'],
  ['priority', 'int'], ['score', 'int'], ['price', 'money'], ['amount', 'money'], ['is_active', 'bool'], ['verified', 'bool'],
  ['archived_at', 'ts'], ['deleted_at', 'ts'], ['last_login_at', 'ts'], ['due_at', 'ts'], ['metadata', 'json'],
  ['settings', 'json'], ['public_id', 'uuid'],
];

const ENUMS = [
  ['status', ['draft', 'pending', 'active', 'archived']], ['role', ['owner', 'admin', 'member', 'viewer']],
  ['payment_state', ['created', 'authorized', 'captured', 'failed']], ['priority', ['low', 'normal', 'high', 'urgent']],
];
const NEW_ENUM_VALUES = ['refunded', 'suspended', 'expired', 'on_hold', 'disputed', 'critical'];

// Real teams comment in their own language; non-ASCII text must not trip offsets or the parser.
const HUMAN_COMMENTS = [
  '-- Ajoute la colonne « pays » aux factures (données clients, RGPD)',
  '-- Größere Tabelle: Index wird nebenläufig erstellt, damit Schreibzugriffe nicht blockiert werden',
  '-- 注文テーブルにステータス列を追加する（本番は夜間に実行）',
  '-- 为订单表添加索引，避免全表扫描',
  '-- Добавляем внешний ключ без долгой блокировки таблицы',
  '-- Migración: normaliza los correos electrónicos antes del índice único',
  '-- ⚠️ backfill runs in batches — see runbook §4.2 before re-running',
  '/* Revisión: José Núñez · ticket PAY-1182 · rollback: drop the column, no data loss */',
  '-- Context: the billing service reads this column from release 2024.11 onwards; keep it nullable until then.',
  '-- Safe pattern: add the constraint NOT VALID first, validate it in a second step (SHARE UPDATE EXCLUSIVE only).',
];

const PRISMA_WARNINGS = '/*\n  Warnings:\n\n  - A unique constraint covering the columns `[email]` on the table `User` will be added. If there are existing duplicate values, this will fail.\n  - Added the required column `updatedAt` to the `Order` table without a default value. This is not possible if the table is not empty.\n\n*/';

const snake = (s) => s;
const camel = (s) => s.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
const pascal = (s) => camel(s).replace(/^[a-z]/, (c) => c.toUpperCase());
const plural = (s) => (s.endsWith('s') ? `${s}es` : s.endsWith('y') ? `${s.slice(0, -1)}ies` : `${s}s`);

// ---- Dialects: how each source writes the same change ------------------------------------------------------------

/** Shared shape: identifier spelling, keyword case, types, constraint names, CREATE TABLE layout, section comments. */
const DIALECTS = {
  prisma: {
    table: (e) => `"${pascal(e)}"`,
    column: (c) => `"${camel(c)}"`,
    upper: true,
    types: { str: 'TEXT', text: 'TEXT', int: 'INTEGER', bigint: 'BIGINT', bool: 'BOOLEAN', ts: 'TIMESTAMP(3)', json: 'JSONB', money: 'DECIMAL(65,30)', uuid: 'UUID' },
    pk: () => ['"id" SERIAL NOT NULL', '"id" TEXT NOT NULL'],
    names: {
      pk: (t) => `${t}_pkey`, index: (t, c) => `${t}_${c}_idx`, unique: (t, c) => `${t}_${c}_key`,
      fk: (t, c) => `${t}_${c}_fkey`, check: (t, c) => `${t}_${c}_check`,
    },
    sections: true,
  },
  typeorm: {
    table: (e) => `"${e}"`,
    column: (c) => `"${camel(c)}"`,
    upper: true,
    types: { str: 'character varying', text: 'text', int: 'integer', bigint: 'bigint', bool: 'boolean', ts: 'TIMESTAMP', json: 'jsonb', money: 'numeric(10,2)', uuid: 'uuid' },
    pk: () => ['"id" SERIAL NOT NULL', '"id" uuid NOT NULL DEFAULT uuid_generate_v4()'],
    // TypeORM names constraints with a hash of table and columns.
    names: { pk: 'PK_', index: 'IDX_', unique: 'UQ_', fk: 'FK_', check: 'CHK_' },
    oneLine: true,
    now: 'now()',
    addColumnKeyword: 'ADD',
  },
  knex: {
    table: (e) => `"${plural(e)}"`,
    column: (c) => `"${snake(c)}"`,
    upper: false,
    types: { str: 'varchar(255)', text: 'text', int: 'integer', bigint: 'bigint', bool: 'boolean', ts: 'timestamptz', json: 'jsonb', money: 'decimal(8, 2)', uuid: 'uuid' },
    pk: () => ['"id" serial primary key', '"id" bigserial primary key'],
    names: {
      pk: (t) => `${t}_pkey`, index: (t, c) => `${t}_${c}_index`, unique: (t, c) => `${t}_${c}_unique`,
      fk: (t, c) => `${t}_${c}_foreign`, check: (t, c) => `${t}_${c}_check`,
    },
    oneLine: true,
    renameWithoutColumn: true,
  },
  mikroorm: {
    table: (e) => `"${e}"`,
    column: (c) => `"${snake(c)}"`,
    upper: false,
    types: { str: 'varchar(255)', text: 'text', int: 'int', bigint: 'bigint', bool: 'boolean', ts: 'timestamptz(0)', json: 'jsonb', money: 'numeric(10,2)', uuid: 'uuid' },
    pk: () => ['"id" serial primary key', '"id" uuid not null default gen_random_uuid()'],
    names: {
      pk: (t) => `${t}_pkey`, index: (t, c) => `${t}_${c}_index`, unique: (t, c) => `${t}_${c}_unique`,
      fk: (t, c) => `${t}_${c}_foreign`, check: (t, c) => `${t}_${c}_check`,
    },
    oneLine: true,
  },
  hand: {
    table: (e) => plural(e),
    column: (c) => c,
    upper: true,
    types: { str: 'text', text: 'text', int: 'integer', bigint: 'bigint', bool: 'boolean', ts: 'timestamptz', json: 'jsonb', money: 'numeric(12,2)', uuid: 'uuid' },
    pk: () => ['id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY', 'id bigserial PRIMARY KEY'],
    names: {
      pk: (t) => `${t}_pkey`, index: (t, c) => `idx_${t}_${c}`, unique: (t, c) => `uq_${t}_${c}`,
      fk: (t, c) => `fk_${t}_${c}`, check: (t, c) => `chk_${t}_${c}`,
    },
    inlineForeignKeys: true,
  },
};

/** How often each kind of change appears, per source (ORMs never write CONCURRENTLY or backfills by themselves; people
 *  add them by hand, so they are rarer there). */
const MIX = {
  prisma: { createTable: 18, addColumn: 26, createIndex: 12, addForeignKey: 8, alterType: 6, setNotNull: 6, rename: 3, createEnum: 5, addEnumValue: 5, backfill: 3, addCheck: 2, setTimeout: 2, concurrentIndex: 2 },
  typeorm: { createTable: 18, addColumn: 22, createIndex: 10, addForeignKey: 10, alterType: 5, setNotNull: 5, rename: 6, createEnum: 5, addEnumValue: 4, backfill: 4, addCheck: 3, concurrentIndex: 2 },
  knex: { createTable: 18, addColumn: 24, createIndex: 12, addForeignKey: 10, alterType: 5, setNotNull: 5, rename: 5, createEnum: 3, addEnumValue: 3, backfill: 4, addCheck: 3, setTimeout: 2 },
  mikroorm: { createTable: 18, addColumn: 24, createIndex: 12, addForeignKey: 10, alterType: 6, setNotNull: 5, rename: 5, createEnum: 3, addEnumValue: 3, backfill: 3, addCheck: 3 },
  hand: { createTable: 7, addColumn: 14, createIndex: 4, concurrentIndex: 12, addForeignKey: 8, addCheck: 6, validate: 6, safeNotNull: 5, setNotNull: 3, alterType: 4, rename: 3, createEnum: 3, addEnumValue: 5, backfill: 10, setTimeout: 9 },
};

/** Share of files from each source. */
const SOURCES = { prisma: 35, typeorm: 18, knex: 15, mikroorm: 10, hand: 22 };

// ---- Statements ---------------------------------------------------------------------------------------------------

/** Builds the statements of one file in one dialect. Each builder returns [sectionComment, sql][] (one or more
 *  statements: a Prisma CREATE TABLE comes with its indexes and foreign keys, as Prisma writes them). */
function statementBuilder(rnd, dialectName) {
  const d = DIALECTS[dialectName];
  const K = (s) => (d.upper ? s : s.toLowerCase());
  /** Index and constraint names as each source makes them (quoted by ORMs, bare in hand-written SQL). */
  const name = (kind, t, c) => {
    const plain = (x) => x.replaceAll('"', '');
    const n = d.names[kind];
    const raw = typeof n === 'string' ? n + rnd.hex(27) : n(plain(t), plain(c ?? ''));
    return dialectName === 'hand' ? raw : `"${raw}"`;
  };
  const toColumn = ([c, kind]) => ({ c: d.column(c), kind, type: d.types[kind] });
  const column = () => toColumn(rnd.pick(COLUMNS));
  const table = () => d.table(rnd.pick(ENTITIES));
  const defaultFor = (kind) =>
    ({ str: "'pending'", text: "''", int: '0', bigint: '0', bool: 'false', ts: d.now ?? 'CURRENT_TIMESTAMP', json: "'{}'", money: '0', uuid: 'gen_random_uuid()' })[kind];
  const enumType = () => {
    const [e, values] = rnd.pick(ENUMS);
    const t = rnd.pick(ENTITIES);
    if (dialectName === 'prisma') return { type: `"${pascal(e)}"`, values: values.map((v) => v.toUpperCase()) };
    if (dialectName === 'typeorm') return { type: `"public"."${t}_${e}_enum"`, values };
    return { type: dialectName === 'hand' ? `${t}_${e}` : `"${t}_${e}"`, values };
  };

  function columnDef(col, notNull, withDefault) {
    return `${col.c} ${col.type}${notNull ? K(' NOT NULL') : ''}${withDefault ? `${K(' DEFAULT ')}${defaultFor(col.kind)}` : ''}`;
  }

  /** A table with a primary key, 0-3 foreign keys and `size` other columns. */
  function createTable(size = rnd.int(3, 14)) {
    const t = table();
    const parents = rnd.sample(ENTITIES, rnd.int(0, 3)).map((e) => `${e}_id`);
    const cols = [rnd.pick(d.pk())];
    for (const p of parents) {
      const fkCol = d.column(p);
      cols.push(`${fkCol} ${d.types.int}${K(' NOT NULL')}${d.inlineForeignKeys ? ` REFERENCES ${d.table(p.slice(0, -3))} (id) ON DELETE ${rnd.pick(['CASCADE', 'RESTRICT'])}` : ''}`);
    }
    for (const c of rnd.sample(COLUMNS, size)) cols.push(columnDef(toColumn(c), rnd.chance(0.5), rnd.chance(0.25)));
    cols.push(columnDef({ c: d.column('created_at'), type: d.types.ts, kind: 'ts' }, true, true));
    cols.push(columnDef({ c: d.column('updated_at'), type: d.types.ts, kind: 'ts' }, dialectName !== 'knex', dialectName !== 'prisma'));
    if (dialectName === 'prisma' || dialectName === 'typeorm') cols.push(`CONSTRAINT ${name('pk', t)} PRIMARY KEY ("id")`);
    const body = d.oneLine ? `(${cols.join(', ')})` : dialectName === 'prisma' ? `(\n    ${cols.slice(0, -1).join(',\n    ')},\n\n    ${cols.at(-1)}\n)` : `(\n  ${cols.join(',\n  ')}\n)`;
    const out = [['CreateTable', `${K('CREATE TABLE')} ${dialectName === 'hand' && rnd.chance(0.5) ? 'IF NOT EXISTS ' : ''}${t} ${body}`]];
    // ORMs write foreign keys and their indexes as separate statements after the table.
    if (!d.inlineForeignKeys) {
      for (const p of parents) out.push(['CreateIndex', `${K('CREATE INDEX')} ${name('index', t, d.column(p))} ${K('ON')} ${t} (${d.column(p)})`]);
      for (const p of parents) out.push(['AddForeignKey', foreignKey(t, d.column(p), d.table(p.slice(0, -3)), false)]);
    }
    return out;
  }

  function foreignKey(t, c, parent, notValid) {
    const onDelete = dialectName === 'typeorm' ? 'NO ACTION' : rnd.pick(['CASCADE', 'RESTRICT', 'SET NULL']);
    return `${K('ALTER TABLE')} ${t} ${K('ADD CONSTRAINT')} ${name('fk', t, c)} ${K('FOREIGN KEY')} (${c}) ${K('REFERENCES')} ${parent}${dialectName === 'prisma' ? '' : ' '}(${d.column('id')}) ${K(`ON DELETE ${onDelete} ON UPDATE ${dialectName === 'typeorm' ? 'NO ACTION' : 'CASCADE'}`)}${notValid ? K(' NOT VALID') : ''}`;
  }

  const builders = {
    createTable: () => createTable(),
    /** Initial schemas hold the wide tables. */
    createWideTable: () => createTable(rnd.int(10, COLUMNS.length)),
    addColumn() {
      const t = table();
      const clauses = Array.from({ length: dialectName === 'prisma' ? rnd.int(1, 4) : 1 }, () => {
        const shape = rnd.weighted({ nullable: 5, notNull: 1, notNullDefault: 3 });
        const col = column();
        return `${d.addColumnKeyword ?? K('ADD COLUMN')} ${columnDef(col, shape !== 'nullable', shape === 'notNullDefault')}`;
      });
      return [['AlterTable', `${K('ALTER TABLE')} ${t} ${clauses.join(dialectName === 'prisma' ? ',\n' : ', ')}`]];
    },
    createIndex() {
      const t = table();
      const col = column();
      const unique = rnd.chance(0.3);
      return [['CreateIndex', `${K(unique ? 'CREATE UNIQUE INDEX' : 'CREATE INDEX')} ${name(unique ? 'unique' : 'index', t, col.c)} ${K('ON')} ${t}${dialectName === 'prisma' ? '' : ' '}(${col.c})`]];
    },
    concurrentIndex() {
      const t = table();
      const cols = [column().c, ...(rnd.chance(0.3) ? [column().c] : [])];
      const unique = rnd.chance(0.2);
      const partial = rnd.chance(0.25) ? ` WHERE ${d.column('deleted_at')} IS NULL` : '';
      return [[null, `CREATE ${unique ? 'UNIQUE ' : ''}INDEX CONCURRENTLY IF NOT EXISTS ${name(unique ? 'unique' : 'index', t, cols.join('_'))} ON ${t} (${cols.join(', ')})${partial}`]];
    },
    addForeignKey() {
      const t = table();
      const parent = rnd.pick(ENTITIES);
      const c = d.column(`${parent}_id`);
      const notValid = dialectName === 'hand' ? rnd.chance(0.8) : rnd.chance(0.05);
      const out = [['AddForeignKey', foreignKey(t, c, d.table(parent), notValid)]];
      // The safe pattern: validate in a later statement, which only takes SHARE UPDATE EXCLUSIVE.
      if (notValid && rnd.chance(0.6)) out.push([null, `${K('ALTER TABLE')} ${t} ${K('VALIDATE CONSTRAINT')} ${name('fk', t, c)}`]);
      return out;
    },
    addCheck() {
      const t = table();
      const col = column();
      const expr = { int: `${col.c} >= 0`, bigint: `${col.c} >= 0`, money: `${col.c} >= 0`, str: `char_length(${col.c}) <= 200`, text: `char_length(${col.c}) <= 10000` }[col.kind] ?? `${col.c} IS NOT NULL`;
      const notValid = dialectName === 'hand' ? rnd.chance(0.7) : rnd.chance(0.2);
      return [[null, `${K('ALTER TABLE')} ${t} ${K('ADD CONSTRAINT')} ${name('check', t, col.c)} ${K('CHECK')} (${expr})${notValid ? K(' NOT VALID') : ''}`]];
    },
    validate() {
      const t = table();
      return [[null, `ALTER TABLE ${t} VALIDATE CONSTRAINT ${name(rnd.pick(['fk', 'check']), t, column().c)}`]];
    },
    /** The four-step NOT NULL without a long ACCESS EXCLUSIVE scan (PostgreSQL 12+). */
    safeNotNull() {
      const t = table();
      const { c } = column();
      const chk = name('check', t, `${c}_not_null`);
      return [
        [null, `ALTER TABLE ${t} ADD CONSTRAINT ${chk} CHECK (${c} IS NOT NULL) NOT VALID`],
        [null, `ALTER TABLE ${t} VALIDATE CONSTRAINT ${chk}`],
        [null, `ALTER TABLE ${t} ALTER COLUMN ${c} SET NOT NULL`],
        [null, `ALTER TABLE ${t} DROP CONSTRAINT ${chk}`],
      ];
    },
    setNotNull() {
      return [['AlterTable', `${K('ALTER TABLE')} ${table()} ${K('ALTER COLUMN')} ${column().c} ${K('SET NOT NULL')}`]];
    },
    rename() {
      const t = table();
      const from = column().c;
      const to = d.column(`${rnd.pick(COLUMNS)[0]}_v2`);
      return [['RenameColumn', `${K('ALTER TABLE')} ${t} ${K(d.renameWithoutColumn ? 'RENAME' : 'RENAME COLUMN')} ${from} ${K('TO')} ${to}`]];
    },
    alterType() {
      const t = table();
      const col = column();
      const type = rnd.pick([d.types.bigint, d.types.text, d.types.money, dialectName === 'prisma' ? 'VARCHAR(500)' : 'varchar(500)']);
      if (dialectName === 'prisma') return [['AlterTable', `ALTER TABLE ${t} ALTER COLUMN ${col.c} SET DATA TYPE ${type}`]];
      const using = dialectName === 'mikroorm' || rnd.chance(0.3) ? `${K(' USING')} (${col.c}::${type})` : '';
      return [['AlterTable', `${K('ALTER TABLE')} ${t} ${K('ALTER COLUMN')} ${col.c} ${K('TYPE')} ${type}${using}`]];
    },
    backfill() {
      const t = table();
      const col = column();
      const b = rnd.int(0, 99);
      const batch = rnd.chance(0.4) ? ` AND ${d.column('id')} BETWEEN ${b * 50000 + 1} AND ${(b + 1) * 50000}` : '';
      return [[null, `UPDATE ${t} SET ${col.c} = ${defaultFor(col.kind)} WHERE ${col.c} IS NULL${batch}`]];
    },
    createEnum() {
      const { type, values } = enumType();
      const list = values.map((v) => `'${v}'`).join(', ');
      return [['CreateEnum', `${K('CREATE TYPE')} ${type} ${K('AS ENUM')}${dialectName === 'typeorm' ? '' : ' '}(${list})`]];
    },
    addEnumValue() {
      const { type, values } = enumType();
      const v = rnd.pick(NEW_ENUM_VALUES);
      if (dialectName === 'typeorm' && rnd.chance(0.5)) {
        // TypeORM changes an enum by renaming it and creating a new one.
        const old = type.replace(/"$/, '_old"');
        const t = table();
        const c = d.column('status');
        return [
          [null, `ALTER TYPE ${type} RENAME TO ${old.split('.').at(-1)}`],
          [null, `CREATE TYPE ${type} AS ENUM(${[...values, v].map((x) => `'${x}'`).join(', ')})`],
          [null, `ALTER TABLE ${t} ALTER COLUMN ${c} TYPE ${type} USING ${c}::"text"::${type}`],
          [null, `DROP TYPE ${old}`],
        ];
      }
      const where = dialectName === 'hand' && rnd.chance(0.5) ? ` AFTER '${values[1]}'` : '';
      return [['AlterEnum', `${K('ALTER TYPE')} ${type} ${K('ADD VALUE')}${dialectName === 'hand' ? ' IF NOT EXISTS' : ''} '${dialectName === 'prisma' ? v.toUpperCase() : v}'${where}`]];
    },
    setTimeout() {
      return [['Set', `${K('SET')} ${rnd.pick(['lock_timeout', 'lock_timeout', 'statement_timeout'])} ${rnd.pick(['=', 'TO'])} '${rnd.pick(['2s', '3s', '5s', '10s', '1min'])}'`]];
    },
  };
  return (kind) => builders[kind]();
}

// ---- Files --------------------------------------------------------------------------------------------------------

/** Real migration folders hold many one- or two-statement files and a few large ones (initial schemas). */
function statementCount(rnd) {
  return rnd.chance(0.06) ? rnd.int(10, 15) : Math.min(15, 1 + Math.floor(15 * rnd.r() ** 1.6));
}

const timestamp = (i) => new Date(Date.UTC(2021, 0, 4) + i * 11_833_000).toISOString().replace(/[-:T]/g, '').slice(0, 14);

/** Where each source keeps its migrations, and the header line ORM-exported SQL carries (Prisma writes none). */
function fileNames(source, i, rnd) {
  const slug = `${rnd.pick(['add', 'create', 'alter', 'backfill', 'index', 'rename', 'update'])}_${rnd.pick(ENTITIES)}_${rnd.pick(COLUMNS)[0]}`;
  const millis = 1609459200000 + i * 11_833_000;
  switch (source) {
    case 'prisma': return { path: `prisma/migrations/${timestamp(i)}_${slug}/migration.sql` };
    case 'typeorm': return { path: `typeorm/${millis}-${pascal(slug)}.sql`, header: `-- ${pascal(slug)}${millis}: up (exported from src/migrations/${millis}-${pascal(slug)}.ts)` };
    case 'knex': return { path: `knex/${timestamp(i)}_${slug}.sql`, header: `-- knex: migrations/${timestamp(i)}_${slug}.js (up)` };
    case 'mikroorm': return { path: `mikro-orm/Migration${timestamp(i)}.sql`, header: `-- Migration${timestamp(i)}.up()` };
    default: return { path: `sql/V${String(i).padStart(5, '0')}__${slug}.sql` };
  }
}

/** One migration file: its text and statement count. */
function migrationFile(rnd, source, header) {
  const build = statementBuilder(rnd, source);
  const d = DIALECTS[source];
  const target = statementCount(rnd);
  const statements = [];
  // The first file of a schema, or a plain follow-up change.
  const initial = target >= 10 && source !== 'hand';
  while (statements.length < target) {
    const kind = initial && rnd.chance(0.7) ? 'createWideTable' : rnd.weighted(MIX[source]);
    if (target === 1 && kind === 'setTimeout') continue; // a file with nothing but a SET is not a migration
    statements.push(...build(kind).slice(0, target - statements.length));
  }
  // Timeouts go first, as people write them. Prisma groups sections by kind (enums, tables, indexes, foreign keys);
  // hand edits without a section (backfills, VALIDATE) go after them.
  const order = d.sections ? ['Set', 'CreateEnum', 'AlterEnum', 'AlterTable', 'RenameColumn', 'CreateTable', 'CreateIndex', 'AddForeignKey'] : ['Set'];
  const rank = (section) => (order.includes(section) ? order.indexOf(section) : order.length);
  statements.sort((a, b) => rank(a[0]) - rank(b[0]));
  let sqls = statements.map(([section, sql]) => (d.sections && section && section !== 'Set' ? `-- ${section}\n${sql};` : `${sql};`));
  let extra = 0;
  const parts = header ? [header] : [];
  if (source === 'prisma' && rnd.chance(0.1)) parts.push(PRISMA_WARNINGS);
  if (source === 'mikroorm' && initial) {
    sqls = [`set names 'utf8';`, `set session_replication_role = 'replica';`, ...sqls, `set session_replication_role = 'origin';`];
    extra += 3;
  }
  if (source === 'hand') {
    parts.push(`-- ${rnd.pick(['PAY', 'CORE', 'OPS', 'DATA'])}-${rnd.int(100, 9999)}: ${rnd.pick(['billing country', 'order status', 'search index', 'soft delete', 'audit trail'])}`);
    if (rnd.chance(0.6)) parts.push(rnd.pick(HUMAN_COMMENTS));
    // A comment before some statements, as people write them.
    sqls = sqls.map((s) => (rnd.chance(0.2) ? `${rnd.pick(HUMAN_COMMENTS)}\n${s}` : s));
    // CONCURRENTLY cannot run in a transaction block, so only wrap files without it (mostly).
    const concurrent = sqls.some((s) => s.includes('CONCURRENTLY'));
    if (rnd.chance(concurrent ? 0.05 : 0.4)) {
      sqls = ['BEGIN;', ...sqls, 'COMMIT;'];
      extra += 2;
    }
  } else if (rnd.chance(0.08)) {
    parts.push(rnd.pick(HUMAN_COMMENTS));
  }
  parts.push(sqls.join(d.oneLine ? '\n' : '\n\n'));
  return { text: `${parts.join('\n\n')}\n`, statements: statements.length + extra };
}

/** Writes `files` migrations under `dir`, unless the same corpus is already there. Returns its totals. */
export function ensureCorpus(dir, files, seed = 42) {
  const stamp = join(dir, 'corpus.json');
  if (existsSync(stamp)) {
    const meta = JSON.parse(readFileSync(stamp, 'utf8'));
    if (meta.files === files && meta.seed === seed && meta.generator === GENERATOR_VERSION) return meta;
  }
  rmSync(dir, { recursive: true, force: true });
  const rnd = randomness(seed);
  const sizes = [];
  const bySource = {};
  let statements = 0;
  for (let i = 0; i < files; i++) {
    const source = rnd.weighted(SOURCES);
    const names = fileNames(source, i, rnd);
    const file = migrationFile(rnd, source, names.header);
    const path = join(dir, names.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.text);
    statements += file.statements;
    sizes.push(Buffer.byteLength(file.text));
    bySource[source] = (bySource[source] ?? 0) + 1;
  }
  sizes.sort((a, b) => a - b);
  const pct = (p) => sizes[Math.min(sizes.length - 1, Math.floor((p / 100) * sizes.length))];
  const meta = {
    generator: GENERATOR_VERSION, files, seed, statements, bytes: sizes.reduce((s, b) => s + b, 0),
    fileBytes: { min: sizes[0], p10: pct(10), median: pct(50), p90: pct(90), max: sizes.at(-1) }, bySource,
  };
  writeFileSync(stamp, JSON.stringify(meta, null, 2));
  return meta;
}
