import { describe, expect, it } from 'vitest';
import { seedRows, timed, useTestDatabase } from '@pgsafe/testing';
import { rendered, ruleFindings } from '../testing/rule-kit.js';
import { appWaitWhileHeld, recipeStatements, runAll } from '../testing/e2e.js';

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
      'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "Orders_ref" ON public."Orders" USING btree (lower(ref)) WHERE deleted_at IS NULL;',
    );
  });

  it('accepts CONCURRENTLY and indexes on tables created in the same migration', async () => {
    expect(await ruleFindings(ID, `CREATE INDEX CONCURRENTLY orders_created_at_idx ON orders (created_at);`)).toEqual([]);
    expect(await ruleFindings(ID, `CREATE TABLE orders (id bigint, created_at timestamptz);\nCREATE INDEX ON orders (created_at);`)).toEqual([]);
  });
});

describe(`${ID} on PostgreSQL`, () => {
  const db = useTestDatabase('concurrent_index');

  it('a plain build blocks concurrent inserts for as long as it runs; the concurrent build lets them through', async () => {
    await db.current.query('CREATE TABLE orders (id bigint PRIMARY KEY, created_at timestamptz NOT NULL)');
    await seedRows(db.current, 'orders', 5000, { id: 'i', created_at: "now() - i * interval '1 minute'" });
    const sql = 'CREATE INDEX orders_created_at_idx ON orders (created_at);';
    const insert = 'INSERT INTO orders VALUES (100001, now())';

    const blocked = await appWaitWhileHeld(db.current, [sql], insert, 500);
    expect(blocked.error).toBeUndefined();
    expect(blocked.ms).toBeGreaterThanOrEqual(450);

    const [finding] = await ruleFindings(ID, sql);
    const build = runAll(db.current, await recipeStatements(finding!));
    const during = await timed(db.current.url, 'INSERT INTO orders VALUES (100002, now())');
    await build;
    expect(during.error).toBeUndefined();
    // Relative to the plain build's wait, not an absolute figure that a loaded machine's own slowness can exceed.
    expect(during.ms).toBeLessThan(blocked.ms / 2);
    const { rows } = await db.current.query(
      `SELECT indisvalid FROM pg_index WHERE indexrelid = 'orders_created_at_idx'::regclass`,
    );
    expect(rows).toEqual([{ indisvalid: true }]);
  });
});
