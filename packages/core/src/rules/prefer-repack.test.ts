import { describe, expect, it } from 'vitest';
import { seedRows, useTestDatabase } from '@pgsafe/testing';
import { rendered, ruleFindings } from '../testing/rule-kit.js';
import { appWaitWhileHeld } from '../testing/e2e.js';

const ID = 'prefer-repack';

describe(ID, () => {
  it('warns about VACUUM FULL and CLUSTER', async () => {
    const sql = 'VACUUM FULL orders;';
    expect((await ruleFindings(ID, sql)).map((f) => [f.severity, f.lock?.mode])).toEqual([['warning', 'ACCESS EXCLUSIVE']]);
    expect(await rendered(ID, sql)).toMatchSnapshot();
    expect(await ruleFindings(ID, 'CLUSTER orders USING orders_created_at_idx;')).toHaveLength(1);
  });

  it('accepts plain VACUUM and ANALYZE', async () => {
    expect(await ruleFindings(ID, 'VACUUM (ANALYZE) orders;')).toEqual([]);
  });
});

describe(`${ID} on PostgreSQL`, () => {
  const db = useTestDatabase('repack');

  it('CLUSTER blocks reads while it runs', async () => {
    await db.current.query('CREATE TABLE orders (id bigint PRIMARY KEY, at timestamptz)');
    await seedRows(db.current, 'orders', 5000, { id: 'i', at: 'now()' });
    const blocked = await appWaitWhileHeld(db.current, ['CLUSTER orders USING orders_pkey'], 'SELECT count(*) FROM orders', 400);
    expect(blocked.ms).toBeGreaterThanOrEqual(350);
  });
});
