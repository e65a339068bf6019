import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '@pgsafe/testing';
import { rendered, ruleFindings } from '../testing/rule-kit.js';
import { recipeStatements, runAll } from '../testing/e2e.js';

const ID = 'prefer-robust-stmts';
/** A statement after the fragile one, which can fail once it has committed. */
const LATER = '\nCREATE INDEX CONCURRENTLY later_idx ON later (a);';

describe(ID, () => {
  it('warns once for a migration of fragile autocommit statements, with the idempotent form', async () => {
    const sql = 'CREATE INDEX CONCURRENTLY orders_at_idx ON orders (at);\nALTER TABLE orders ADD COLUMN note text;';
    const findings = await ruleFindings(ID, sql);
    expect(findings.map((f) => [f.start.line, f.recipe.sql])).toEqual([[1, 'CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_at_idx ON orders (at);']]);
    expect(findings[0]!.message).toContain('(and 1 more)');
    expect(await rendered(ID, sql)).toMatchSnapshot();
  });

  it('accepts guarded statements and transactional migrations', async () => {
    expect(await ruleFindings(ID, 'CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a);\nALTER TABLE t ADD COLUMN IF NOT EXISTS b int;')).toEqual([]);
    expect(await ruleFindings(ID, 'BEGIN;\nALTER TABLE t ADD COLUMN b int;\nCOMMIT;')).toEqual([]);
    expect(await ruleFindings(ID, `ALTER TABLE t ADD COLUMN b int;${LATER}`, { assumeInTransaction: true })).toEqual([]);
  });

  it('accepts a statement nothing can fail after: alone in its file, SET/RESET aside (issue 22: Prisma files of one CONCURRENTLY build)', async () => {
    const alone = 'CREATE INDEX CONCURRENTLY traces_at_idx ON traces (at);';
    expect(await ruleFindings(ID, alone)).toEqual([]);
    expect(await ruleFindings(ID, `SET lock_timeout = '1s';\n${alone}\nRESET lock_timeout;`)).toEqual([]);
    expect((await ruleFindings(ID, `${alone}${LATER}`)).map((f) => f.start.line)).toEqual([1]);
  });
});

describe(`${ID} on PostgreSQL`, () => {
  const db = useTestDatabase('robust');

  it('a re-run of the plain form fails on what already applied; the guarded form runs twice', async () => {
    await db.current.query('CREATE TABLE orders (id int, at timestamptz)');
    const sql = 'ALTER TABLE orders ADD COLUMN note text;';
    await db.current.query(sql);
    await expect(db.current.query(sql)).rejects.toMatchObject({ code: '42701' });
    const [finding] = await ruleFindings(ID, `${sql}${LATER}`);
    const guarded = await recipeStatements(finding!);
    await runAll(db.current, guarded);
    await runAll(db.current, guarded);
  });

  it('guards each column subcommand of a multi-part ALTER TABLE, as written, and leaves the others: the recipe runs twice and ends as the original', async () => {
    await db.current.query('CREATE TABLE parts (id int, a text, b text)');
    const sql = 'ALTER TABLE parts DROP COLUMN a,\n  -- the new key\n  ADD COLUMN "Key" int NOT NULL DEFAULT 1, ADD PRIMARY KEY ("Key"),\n  DROP COLUMN IF EXISTS b;';
    const [finding] = await ruleFindings(ID, `${sql}${LATER}`);
    expect(finding!.recipe.sql).toBe('ALTER TABLE parts DROP COLUMN IF EXISTS a,\n  -- the new key\n  ADD COLUMN IF NOT EXISTS "Key" int NOT NULL DEFAULT 1, ADD PRIMARY KEY ("Key"),\n  DROP COLUMN IF EXISTS b;');
    await runAll(db.current, await recipeStatements(finding!));
    const columns = await db.current.query(`SELECT string_agg(attname, ',' ORDER BY attnum) AS c FROM pg_attribute WHERE attrelid = 'parts'::regclass AND attnum > 0 AND NOT attisdropped`);
    expect(columns.rows).toEqual([{ c: 'id,Key' }]);
  });

  it('comments out every line of a statement it has no guarded form for', async () => {
    const sql = 'DROP MATERIALIZED VIEW\n  v;';
    const [finding] = await ruleFindings(ID, `${sql}${LATER}`);
    expect(finding!.recipe.sql).toBe('-- add IF NOT EXISTS / IF EXISTS to:\n-- DROP MATERIALIZED VIEW\n--   v');
  });
});
