/** verifyFix on real PostgreSQL: the fixed form of a history's migration ends as the original does (schema and
 *  rows), and a fix that would not is caught, with the difference named. */
import { beforeAll, describe, expect, it } from 'vitest';
import { adminUrl } from '@pgsafe/testing';
import { loadParser, parseMigration } from '../parse.js';
import { fix } from './fix.js';
import { historySchema } from './history-schema.js';
import { scratchDatabase, verifyFix } from './verify.js';
import { sampleRowsSql } from './sample-rows.js';

beforeAll(() => loadParser());


// A Prisma-style table whose key is not `id`, with a NOT NULL column that has a default.
const EARLIER = parseMigration('CREATE TABLE "report" ("report_id" UUID NOT NULL, "type" VARCHAR(50) NOT NULL DEFAULT \'x\', "size" INTEGER NOT NULL DEFAULT 0, CONSTRAINT "report_pkey" PRIMARY KEY ("report_id"));', 'earlier.sql');
const SEED = `INSERT INTO report (report_id, type, size) SELECT gen_random_uuid(), 't' || i, i FROM generate_series(1, 50) i;`;

/** The migration fixed in the schema of the earlier one, as the replay bench and a history check do. */
function fixInHistory(sql: string) {
  const migration = parseMigration(sql, 'm.sql');
  return { migration, result: fix(migration, { pgVersion: 15, schema: historySchema([EARLIER], migration) }) };
}

describe('verifyFix', () => {
  it('a type change and a rename on a table keyed by report_id: the fixed deploys end with the default, NOT NULL and rows of the original', async () => {
    for (const sql of [
      'ALTER TABLE "report" ALTER COLUMN "size" SET DATA TYPE BIGINT;',
      'ALTER TABLE "report" RENAME COLUMN "type" TO "kind";',
      // The later deploys work on the table under its new name (the old one is a view until the next deploy).
      'ALTER TABLE "report" RENAME COLUMN "type" TO "kind";\nALTER TABLE "report" RENAME TO "reports";',
      // The view under the old name comes at the end of the deploy: made right after the rename, it would hold the
      // column the next statement drops (and adds again: the drop stays in this deploy).
      'ALTER TABLE "report" RENAME TO "reports";\nALTER TABLE "reports" DROP COLUMN "size", ADD COLUMN "size" TEXT;',
      // A view over the table later in the file (SELECT *, langfuse): the old column goes right after the swap, before
      // the view could depend on it; a rename stays as written (the old column must outlive this deploy).
      'ALTER TABLE "report" ALTER COLUMN "size" SET DATA TYPE BIGINT;\nCREATE VIEW "report_all" AS SELECT * FROM "report";',
      'ALTER TABLE "report" RENAME COLUMN "type" TO "kind";\nCREATE VIEW "report_all" AS SELECT r.* FROM "report" r;',
    ]) {
      const { migration, result } = fixInHistory(sql);
      if (/RENAME COLUMN|DATA TYPE/.test(sql) && !sql.includes('VIEW')) expect(result.steps.map((s) => s.sql).join('\n')).toMatch(/batch_start reports?\.report_id%TYPE/);
      expect(await verifyFix(migration, result, { adminUrl: adminUrl(), earlier: [EARLIER], seed: SEED }), sql).toEqual({ status: 'equal' });
    }
  });

  it('a rename of a column a view uses: the first step refuses, before anything changes, saying why', async () => {
    const view = parseMigration('CREATE VIEW report_types AS SELECT "report_id", "type" FROM "report";', 'view.sql');
    const migration = parseMigration('ALTER TABLE "report" RENAME COLUMN "type" TO "kind";', 'm.sql');
    const result = fix(migration, { pgVersion: 15, schema: historySchema([EARLIER, view], migration) });
    const verdict = await verifyFix(migration, result, { adminUrl: adminUrl(), earlier: [EARLIER, view], seed: SEED });
    expect(verdict).toEqual({ status: 'failed', step: 1, error: expect.stringContaining('pgsafe fix: report.type is used by a view, rule or policy, which would keep the old column') });
  });

  it('names what a wrong rewrite changes', async () => {
    const { migration, result } = fixInHistory('ALTER TABLE "report" ALTER COLUMN "size" SET DATA TYPE BIGINT;');
    // Without the step that carries NOT NULL over, the new column would end nullable.
    const broken = { ...result, steps: result.steps.filter((s) => s.slug !== 'not_null_check') };
    const verdict = await verifyFix(migration, broken, { adminUrl: adminUrl(), earlier: [EARLIER], seed: SEED });
    expect(verdict.status).toBe('different');
    // PG 18 also names the missing not-null constraint (only in the original).
    expect(verdict.status === 'different' && verdict.differences[0]).toBe('differs: column public.report.size: bigint NOT NULL DEFAULT 0 (original) / bigint DEFAULT 0 (fixed)');
  });
});

describe('sampleRowsSql', () => {
  it('fills every table with the same rows on every run, a child finding its parent', async () => {
    const [a, b] = await Promise.all([scratchDatabase(adminUrl()), scratchDatabase(adminUrl())]);
    try {
      // "Kid" sorts before "Parent": its rows go in on the second pass, once the parents are there.
      const schema = `CREATE TYPE mood AS ENUM ('ok', 'bad');
        CREATE TABLE "Parent" (id text PRIMARY KEY, key uuid NOT NULL UNIQUE, data jsonb NOT NULL, at timestamptz NOT NULL DEFAULT now());
        CREATE TABLE "Kid" (id text PRIMARY KEY, "parentId" text NOT NULL REFERENCES "Parent" (id), born date NOT NULL, mood mood NOT NULL, tags text[] NOT NULL, n int CHECK (n > 0));`;
      for (const db of [a, b]) {
        await db.client.query(schema);
        await db.client.query(sampleRowsSql());
      }
      const count = async (db: typeof a) => (await db.client.query(`SELECT (SELECT count(*)::int FROM "Parent") AS parents, (SELECT count(*)::int FROM "Kid") AS kids`)).rows[0];
      expect(await count(a)).toEqual({ parents: 3, kids: 3 });
      const kids = async (db: typeof a) => (await db.client.query(`SELECT * FROM "Kid" ORDER BY id`)).rows;
      expect(await kids(b)).toEqual(await kids(a));
    } finally {
      await Promise.all([a.drop(), b.drop()]);
    }
  });
});
