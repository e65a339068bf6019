import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '@pgsafe/testing';
import { rendered, ruleFindings } from '../testing/rule-kit.js';
import { recipeStatements, runAll } from '../testing/e2e.js';

const ID = 'prefer-robust-stmts';

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
    expect(await ruleFindings(ID, 'ALTER TABLE t ADD COLUMN b int;', { assumeInTransaction: true })).toEqual([]);
  });
});

describe(`${ID} on PostgreSQL`, () => {
  const db = useTestDatabase('robust');

  it('a re-run of the plain form fails on what already applied; the guarded form runs twice', async () => {
    await db.current.query('CREATE TABLE orders (id int, at timestamptz)');
    const sql = 'ALTER TABLE orders ADD COLUMN note text;';
    await db.current.query(sql);
    await expect(db.current.query(sql)).rejects.toMatchObject({ code: '42701' });
    const [finding] = await ruleFindings(ID, sql);
    const guarded = await recipeStatements(finding!);
    await runAll(db.current, guarded);
    await runAll(db.current, guarded);
  });
});
