import { describe, expect, it } from 'vitest';
import { rendered, ruleFindings } from '../testing/rule-kit.js';

const ID = 'require-concurrent-index-creation';

describe(ID, () => {
  it('flags a plain CREATE INDEX on an existing table, with the concurrent form as the recipe', async () => {
    const sql = `CREATE INDEX orders_created_at_idx ON orders (created_at);`;
    const [finding, ...rest] = await ruleFindings(ID, sql);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ severity: 'error', lock: { mode: 'SHARE', table: 'orders' } });
    expect(finding!.recipe.sql).toBe('CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_created_at_idx ON orders (created_at);');
    expect(await rendered(ID, sql)).toMatchSnapshot();
  });

  it('keeps UNIQUE, the method, the WHERE clause and quoting in the recipe', async () => {
    const sql = `CREATE UNIQUE INDEX "Orders_ref" ON public."Orders" USING btree (lower(ref)) WHERE deleted_at IS NULL;`;
    const [finding] = await ruleFindings(ID, sql);
    expect(finding!.recipe.sql).toBe(
      'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "Orders_ref" ON public."Orders" ((lower(ref))) WHERE deleted_at IS NULL;',
    );
  });

  it('accepts CONCURRENTLY and indexes on tables created in the same migration', async () => {
    expect(await ruleFindings(ID, `CREATE INDEX CONCURRENTLY orders_created_at_idx ON orders (created_at);`)).toEqual([]);
    expect(await ruleFindings(ID, `CREATE TABLE orders (id bigint, created_at timestamptz);\nCREATE INDEX ON orders (created_at);`)).toEqual([]);
  });
});
