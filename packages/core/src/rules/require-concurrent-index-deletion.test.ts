import { describe, expect, it } from 'vitest';
import { seedRows, useTestDatabase } from '@pgsafe/testing';
import { rendered, ruleFindings } from '../testing/rule-kit.js';
import { lockQueueScenario, recipeStatements } from '../testing/e2e.js';

const ID = 'require-concurrent-index-deletion';

describe(ID, () => {
  it('warns about DROP INDEX without CONCURRENTLY, one recipe line per index', async () => {
    const sql = 'DROP INDEX IF EXISTS orders_created_at_idx, public."Orders_Ref";';
    const findings = await ruleFindings(ID, sql);
    expect(findings.map((f) => f.severity)).toEqual(['warning']);
    expect(findings[0]!.recipe.sql).toBe('DROP INDEX CONCURRENTLY IF EXISTS orders_created_at_idx;\nDROP INDEX CONCURRENTLY IF EXISTS public."Orders_Ref";');
    expect(await rendered(ID, sql)).toMatchSnapshot();
  });

  it('accepts DROP INDEX CONCURRENTLY', async () => {
    expect(await ruleFindings(ID, 'DROP INDEX CONCURRENTLY IF EXISTS orders_created_at_idx;')).toEqual([]);
  });
});

describe(`${ID} on PostgreSQL`, () => {
  const db = useTestDatabase('drop_index');

  it('a plain DROP INDEX queues reads behind a long query; DROP INDEX CONCURRENTLY does not', async () => {
    await db.current.query('CREATE TABLE orders (id bigint PRIMARY KEY, created_at timestamptz)');
    await seedRows(db.current, 'orders', 1000, { id: 'i', created_at: 'now()' });
    await db.current.query('CREATE INDEX orders_created_at_idx ON orders (created_at)');
    const plain = await lockQueueScenario(db.current, {
      table: 'orders',
      statements: ['DROP INDEX orders_created_at_idx'],
      appSql: 'SELECT count(*) FROM orders',
      blockerMs: 600,
    });
    expect(plain.app.ms).toBeGreaterThanOrEqual(500);

    await db.current.query('CREATE INDEX orders_created_at_idx ON orders (created_at)');
    const [finding] = await ruleFindings(ID, 'DROP INDEX orders_created_at_idx;');
    const concurrent = await lockQueueScenario(db.current, {
      table: 'orders',
      statements: await recipeStatements(finding!),
      appSql: 'SELECT count(*) FROM orders',
      blockerMs: 600,
    });
    expect(concurrent.migrationError).toBeUndefined();
    expect(concurrent.app.ms).toBeLessThan(200);
  });
});
