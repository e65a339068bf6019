/** fix() on real PostgreSQL: for each fixable pattern, the original migration and the fixed one, applied to two
 *  databases holding the same rows, end in the same schema and data; the fixed one, run while a session keeps
 *  writing to the table, never holds ACCESS EXCLUSIVE on it for longer than lock_timeout, and the writer never
 *  waits that long. The fixed form is applied both as `pgsafe run` runs it (plan + execute) and as Prisma runs its
 *  files (each file one simple query). */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { createTestDatabase, openSession, schemaSnapshot, steadyQueries, type TestDatabase } from '@pgsafe/testing';
import { loadParser, parseMigration } from '../parse.js';
import { plan } from '../plan/plan.js';
import { execute } from '../execute/execute.js';
import { fix } from './fix.js';
import { renderPrismaMigrations, renderRunFiles } from './render.js';
import type { FixOptions } from './types.js';

const ROWS = 20_000;
const LOCK_TIMEOUT_MS = 1000;
const SETUP = `
CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL);
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, total numeric NOT NULL, ref text, note text);
INSERT INTO customers SELECT i, 'customer ' || i FROM generate_series(1, 500) i;
INSERT INTO orders SELECT i, i % 500 + 1, i, 'r' || i, 'n' || i FROM generate_series(1, ${ROWS}) i;
CREATE INDEX orders_note_idx ON orders (note);
CREATE TABLE "Line Items" (id bigint PRIMARY KEY, "orderId" bigint NOT NULL, qty int NOT NULL);
INSERT INTO "Line Items" SELECT i, i % ${ROWS} + 1, i % 9 FROM generate_series(1, ${ROWS}) i;
`;

interface Case {
  name: string;
  original: string;
  /** What the original means when it cannot run as written on a table with rows, or when the fix adds what the
   *  original lacked by design (the index a foreign key needs). */
  reference?: string;
  values?: FixOptions['values'];
  /** The values differ from one database to the other by design (a random default): only checked for NULLs. */
  random?: string;
  /** The table the migration works on, as SQL (default orders): the writer updates it, the lock watch samples it. */
  table?: string;
  /** A drop that must stay where it is: left as written, with a to-do saying why. */
  kept?: boolean;
}

const CASES: Case[] = [
  { name: 'CREATE INDEX', original: 'CREATE INDEX orders_customer_idx ON orders (customer_id);' },
  { name: 'CREATE UNIQUE INDEX', original: 'CREATE UNIQUE INDEX orders_ref_idx ON orders (ref);' },
  { name: 'DROP INDEX', original: 'DROP INDEX orders_note_idx;' },
  // Re-created under the same name with another definition: the concurrent drop must run before the concurrent build.
  { name: 'an index dropped and created again under its name', original: 'DROP INDEX IF EXISTS orders_note_idx;\nCREATE INDEX IF NOT EXISTS orders_note_idx ON orders USING btree (lower(note));' },
  { name: 'ADD CONSTRAINT CHECK', original: 'ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total > 0);' },
  { name: 'ADD CHECK without a name', original: 'ALTER TABLE orders ADD CHECK (total > 0);' },
  {
    name: 'ADD FOREIGN KEY with its index',
    original: 'CREATE INDEX orders_customer_idx ON orders (customer_id);\nALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);',
  },
  {
    name: 'ADD FOREIGN KEY without an index',
    original: 'ALTER TABLE orders ADD FOREIGN KEY (customer_id) REFERENCES customers (id);',
    reference: 'ALTER TABLE orders ADD FOREIGN KEY (customer_id) REFERENCES customers (id);\nCREATE INDEX orders_customer_id_fkey_idx ON orders (customer_id);',
  },
  {
    name: 'ADD COLUMN NOT NULL, filled with a constant',
    original: 'ALTER TABLE orders ADD COLUMN status text NOT NULL;',
    reference: "ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'new';\nALTER TABLE orders ALTER COLUMN status DROP DEFAULT;",
    values: { 'orders.status': "'new'" },
  },
  {
    name: 'ADD COLUMN NOT NULL, filled from the row',
    original: 'ALTER TABLE orders ADD COLUMN label text NOT NULL;',
    reference: "ALTER TABLE orders ADD COLUMN label text;\nUPDATE orders SET label = 'c' || customer_id;\nALTER TABLE orders ALTER COLUMN label SET NOT NULL;",
    values: { label: "'c' || customer_id" },
  },
  { name: 'ADD COLUMN NOT NULL with a volatile default', original: 'ALTER TABLE orders ADD COLUMN token uuid NOT NULL DEFAULT gen_random_uuid();', random: 'token' },
  { name: 'SET NOT NULL', original: 'ALTER TABLE orders ALTER COLUMN note SET NOT NULL;' },
  { name: 'ADD CONSTRAINT UNIQUE', original: 'ALTER TABLE orders ADD CONSTRAINT orders_ref_key UNIQUE (ref);' },
  { name: 'ADD UNIQUE without a name', original: 'ALTER TABLE orders ADD UNIQUE (ref);' },
  { name: 'ADD UNIQUE DEFERRABLE', original: 'ALTER TABLE orders ADD CONSTRAINT orders_ref_key UNIQUE (ref) DEFERRABLE INITIALLY DEFERRED;' },
  {
    name: 'quoted names: foreign key without an index, NOT NULL column',
    original: 'ALTER TABLE "Line Items" ADD FOREIGN KEY ("orderId") REFERENCES orders (id);\nALTER TABLE "Line Items" ADD COLUMN "unitPrice" numeric NOT NULL;',
    reference: 'ALTER TABLE "Line Items" ADD FOREIGN KEY ("orderId") REFERENCES orders (id);\nCREATE INDEX "Line Items_orderId_fkey_idx" ON "Line Items" ("orderId");\nALTER TABLE "Line Items" ADD COLUMN "unitPrice" numeric NOT NULL DEFAULT 0;\nALTER TABLE "Line Items" ALTER COLUMN "unitPrice" DROP DEFAULT;',
    values: { unitPrice: '0' },
    table: '"Line Items"',
  },
  { name: 'several subcommands', original: 'ALTER TABLE orders ADD COLUMN paid boolean, ADD CONSTRAINT orders_total_check CHECK (total >= 0), ALTER COLUMN ref SET NOT NULL;' },
  // Prisma writes one ALTER TABLE per table: every subcommand must survive the split, each drop its own column.
  { name: 'two drops and an add in one ALTER TABLE', original: 'ALTER TABLE orders DROP COLUMN "ref",\nDROP COLUMN note,\nADD COLUMN     "paidAt" TIMESTAMP(3);' },
  {
    name: "Prisma's Warnings comment above a multi-part ALTER TABLE",
    original: '/*\n  Warnings:\n\n  - You are about to drop the column `note` on the `orders` table.\n\n*/\n-- AlterTable\nALTER TABLE "orders" DROP COLUMN "note",\nADD CONSTRAINT "orders_total_check" CHECK (total >= 0);',
  },
  // Prisma changes a column's type by dropping and adding it: the drop cannot wait for a later deploy.
  { name: 'a column dropped and added again', original: 'ALTER TABLE "orders" DROP COLUMN "note",\nADD COLUMN     "note" INTEGER;', kept: true },
  { name: 'a column dropped before its enum type', original: "CREATE TYPE kind AS ENUM ('a');\nALTER TABLE orders ADD COLUMN kind kind;\nALTER TABLE orders DROP COLUMN kind, ADD COLUMN label text;\nDROP TYPE kind;", kept: true },
  { name: 'a table dropped and created again', original: 'DROP TABLE "Line Items";\nCREATE TABLE "Line Items" (id bigint PRIMARY KEY);', kept: true, table: 'customers' },
  // pgsafe run makes CREATE TABLE ... AS robust with IF NOT EXISTS: with the drop moved later it would skip, and the
  // key added next would fail on the old table.
  // A view over the table made after the drop would, with the drop moved later, depend on the column (SELECT *).
  { name: 'a column dropped before a view over its table', original: 'ALTER TABLE orders DROP COLUMN note;\nCREATE VIEW orders_all AS SELECT * FROM orders;', kept: true },
  { name: 'a table dropped and created again AS a query', original: 'DROP TABLE "Line Items";\nCREATE TABLE "Line Items" AS SELECT id, customer_id FROM orders;\nALTER TABLE "Line Items" ADD PRIMARY KEY (id);', kept: true, table: 'customers' },
];

beforeAll(() => loadParser());
const created: TestDatabase[] = [];
afterEach(async () => {
  await Promise.all(created.splice(0).map((d) => d.drop()));
});

async function database(label: string): Promise<TestDatabase> {
  const db = await createTestDatabase(label);
  created.push(db);
  await db.query(SETUP);
  return db;
}

/** Every row of every table, in key order: the data must match too. */
async function rows(db: TestDatabase): Promise<string> {
  const all = (table: string) => `(SELECT string_agg(r::text, ';' ORDER BY id) FROM ${table} r)`;
  const { rows: r } = await db.query<{ t: string }>(`SELECT ${['orders', 'customers', '"Line Items"'].map(all).join(` || '|' || `)} AS t`);
  return r[0]!.t;
}

/** Samples pg_locks until stopped: the longest stretch during which some session held ACCESS EXCLUSIVE on `table`. */
async function lockWatch(url: string, table: string): Promise<{ stop(): Promise<{ longestMs: number; samples: number }> }> {
  const client: pg.Client = await openSession(url, 'pgsafe-test-lockwatch');
  let running = true;
  let longestMs = 0;
  let samples = 0;
  let since: number | undefined;
  const loop = (async () => {
    while (running) {
      const { rows: r } = await client.query<{ held: boolean }>(
        `SELECT EXISTS (SELECT FROM pg_locks WHERE relation = $1::regclass AND mode = 'AccessExclusiveLock' AND granted) AS held`,
        [table],
      );
      samples++;
      const now = performance.now();
      if (r[0]!.held) since ??= now;
      else since = undefined;
      if (since !== undefined) longestMs = Math.max(longestMs, now - since);
      await new Promise((res) => setTimeout(res, 5));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      await client.end().catch(() => {});
      return { longestMs, samples };
    },
  };
}

const fixOptions = (c: Case): FixOptions => ({ pgVersion: 15, lockTimeout: `${LOCK_TIMEOUT_MS}ms`, batchSize: 2000, pauseSeconds: 0.01, ...(c.values ? { values: c.values } : {}) });

describe.each(CASES)('fix: $name', (c) => {
  it('ends in the schema and rows of the original, and never blocks a concurrent writer for lock_timeout', async () => {
    const result = fix(parseMigration(c.original, 'original.sql'), fixOptions(c));
    expect(result.changes.length).toBeGreaterThan(0);
    if (c.kept) {
      expect(result.todos.map((t) => t.message).join('\n')).toMatch(/cannot move to a later deploy: line \d+ (creates .* again|drops a type|creates a view over .*, which would depend on the column)/);
      expect(result.unfixed.map((f) => f.rule)[0]).toMatch(/^ban-drop-/);
    } else {
      expect(result.todos).toEqual([]);
      expect(result.unfixed).toEqual([]);
    }

    const [original, run, prisma] = await Promise.all([database('fix_eq_orig'), database('fix_eq_run'), database('fix_eq_prisma')]);
    await original.query(c.reference ?? c.original);

    // pgsafe run: the fixed file of each deploy in turn, planned and executed, while another session keeps updating
    // rows.
    let key = 0;
    const table = c.table ?? 'orders';
    const writer = await steadyQueries(run.url, () => `UPDATE ${table} SET id = id WHERE id = ${(key = (key % ROWS) + 1)}`, { applicationName: 'pgsafe-test-writer' });
    const watch = await lockWatch(run.url, table);
    const statuses: string[] = [];
    for (const file of renderRunFiles(result)) {
      const executed = await execute(plan(parseMigration(file.sql, file.path), { pgVersion: 15 }), { connectionString: run.url, policy: { monitorIntervalMs: 50 } });
      if (executed.status !== 'completed') statuses.push(`${file.path}: ${executed.status} ${JSON.stringify(executed.error)}`);
    }
    const held = await watch.stop();
    const traffic = await writer.stop();
    expect(statuses).toEqual([]);
    expect(traffic.errors).toEqual([]);
    expect(traffic.count).toBeGreaterThan(0);
    expect(held.samples).toBeGreaterThan(0);
    expect(held.longestMs).toBeLessThan(LOCK_TIMEOUT_MS);
    expect(traffic.max).toBeLessThan(LOCK_TIMEOUT_MS);

    // Prisma: each file run in one go, as its schema engine does; the later deploys' directories after the first's.
    const before = await schemaSnapshot(await prisma.connect());
    for (const file of renderPrismaMigrations(result, '20260101000000_m')) await prisma.query(file.sql);

    const expected = await schemaSnapshot(await original.connect());
    expect(expected).not.toEqual(before);
    expect(await schemaSnapshot(await run.connect())).toEqual(expected);
    expect(await schemaSnapshot(await prisma.connect())).toEqual(expected);
    if (c.random) {
      for (const db of [original, run, prisma]) expect((await db.query(`SELECT count(*)::int AS n FROM orders WHERE ${c.random} IS NULL`)).rows).toEqual([{ n: 0 }]);
      for (const db of [original, run, prisma]) await db.query(`ALTER TABLE orders DROP COLUMN ${c.random}`);
    }
    const data = await rows(original);
    expect(await rows(run)).toBe(data);
    expect(await rows(prisma)).toBe(data);
  });
});
