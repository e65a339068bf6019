import { describe, expect, it } from 'vitest';
import { seedRows, useTestDatabase } from '@pgsafe/testing';
import { rendered, ruleFindings } from '../testing/rule-kit.js';
import { appWaitWhileHeld, recipeStatements, runAll } from '../testing/e2e.js';

const ID = 'require-concurrent-reindex';

describe(ID, () => {
  it('warns about REINDEX without CONCURRENTLY on PG 12+', async () => {
    const sql = 'REINDEX INDEX orders_created_at_idx;';
    expect((await ruleFindings(ID, sql)).map((f) => [f.severity, f.recipe.sql])).toEqual([['warning', 'REINDEX INDEX CONCURRENTLY orders_created_at_idx;']]);
    expect(await rendered(ID, sql)).toMatchSnapshot();
    expect(await ruleFindings(ID, 'REINDEX TABLE orders;', { pgVersion: 11 })).toEqual([]);
  });

  it('accepts REINDEX CONCURRENTLY', async () => {
    expect(await ruleFindings(ID, 'REINDEX TABLE CONCURRENTLY orders;')).toEqual([]);
  });
});

describe(`${ID} on PostgreSQL`, () => {
  const db = useTestDatabase('reindex');

  it('a plain REINDEX blocks writes while held; REINDEX CONCURRENTLY leaves a valid index', async () => {
    await db.current.query('CREATE TABLE orders (id bigint PRIMARY KEY, created_at timestamptz)');
    await seedRows(db.current, 'orders', 5000, { id: 'i', created_at: 'now()' });
    await db.current.query('CREATE INDEX orders_created_at_idx ON orders (created_at)');
    const sql = 'REINDEX INDEX orders_created_at_idx;';
    const blocked = await appWaitWhileHeld(db.current, [sql], 'INSERT INTO orders VALUES (10001, now())', 400);
    expect(blocked.ms).toBeGreaterThanOrEqual(350);
    const [finding] = await ruleFindings(ID, sql);
    await runAll(db.current, await recipeStatements(finding!));
    const { rows } = await db.current.query(`SELECT indisvalid FROM pg_index WHERE indexrelid = 'orders_created_at_idx'::regclass`);
    expect(rows).toEqual([{ indisvalid: true }]);
  });
});
