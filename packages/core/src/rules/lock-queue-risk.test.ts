import { describe, expect, it } from 'vitest';
import { seedRows, useTestDatabase } from '@pgsafe/testing';
import { rendered, ruleFindings } from '../testing/rule-kit.js';
import { lockQueueScenario } from '../testing/e2e.js';

const ID = 'lock-queue-risk';

describe(ID, () => {
  it('warns when a second existing table is locked ACCESS EXCLUSIVE in the same transaction', async () => {
    const sql = 'BEGIN;\nALTER TABLE users ADD COLUMN a text;\nALTER TABLE users ADD COLUMN b text;\nALTER TABLE orders ADD COLUMN c text;\nCOMMIT;';
    const findings = await ruleFindings(ID, sql);
    expect(findings.map((f) => [f.severity, f.start.line])).toEqual([['warning', 4]]);
    expect(await rendered(ID, sql)).toMatchSnapshot();
  });

  it('accepts one table per transaction, autocommit statements and new tables', async () => {
    expect(await ruleFindings(ID, 'ALTER TABLE users ADD COLUMN a text;\nALTER TABLE orders ADD COLUMN c text;')).toEqual([]);
    expect(await ruleFindings(ID, 'BEGIN;\nCREATE TABLE t (id int);\nALTER TABLE users ADD COLUMN a text;\nALTER TABLE t ADD COLUMN b text;\nCOMMIT;')).toEqual([]);
  });
});

describe(`${ID} on PostgreSQL`, () => {
  const db = useTestDatabase('lock_queue');

  it('while the second lock is awaited, the first table is blocked too', async () => {
    await db.current.query('CREATE TABLE users (id bigint PRIMARY KEY)');
    await db.current.query('CREATE TABLE orders (id bigint PRIMARY KEY)');
    await seedRows(db.current, 'users', 1000, { id: 'i' });
    await seedRows(db.current, 'orders', 1000, { id: 'i' });
    // A report reads orders; the migration already holds users and waits for orders.
    const { app } = await lockQueueScenario(db.current, {
      table: 'orders',
      statements: ['BEGIN', 'ALTER TABLE users ADD COLUMN a text', 'ALTER TABLE orders ADD COLUMN c text', 'COMMIT'],
      appSql: 'SELECT count(*) FROM users',
      blockerMs: 600,
    });
    expect(app.ms).toBeGreaterThanOrEqual(500);
  });
});
