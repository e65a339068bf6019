import { describe, expect, it } from 'vitest';
import { seedRows, useTestDatabase } from '@pgsafe/testing';
import { rendered, ruleFindings } from '../testing/rule-kit.js';

const ID = 'ban-concurrent-index-creation-in-transaction';
const CIC = 'CREATE INDEX CONCURRENTLY orders_created_at_idx ON orders (created_at);';

describe(ID, () => {
  it('flags CREATE INDEX CONCURRENTLY inside BEGIN ... COMMIT', async () => {
    const sql = `BEGIN;\n${CIC}\nCOMMIT;`;
    expect((await ruleFindings(ID, sql)).map((f) => [f.severity, f.start.line])).toEqual([['error', 2]]);
    expect(await rendered(ID, sql)).toMatchSnapshot();
  });

  it('flags DROP INDEX and REINDEX CONCURRENTLY when the runner wraps the file', async () => {
    const sql = 'DROP INDEX CONCURRENTLY orders_old_idx;\nREINDEX INDEX CONCURRENTLY orders_created_at_idx;';
    const findings = await ruleFindings(ID, sql, { assumeInTransaction: true });
    expect(findings.map((f) => f.start.line)).toEqual([1, 2]);
    expect(findings[0]!.message).toContain('the runner wraps this migration in a transaction');
  });

  it('accepts concurrent operations outside transactions', async () => {
    expect(await ruleFindings(ID, CIC)).toEqual([]);
    expect(await ruleFindings(ID, `BEGIN;\nSELECT 1;\nCOMMIT;\n${CIC}`)).toEqual([]);
  });
});

describe(`${ID} on PostgreSQL`, () => {
  const db = useTestDatabase('cic_in_tx');

  it('fails with SQLSTATE 25001 inside a transaction, and succeeds on its own', async () => {
    await db.current.query('CREATE TABLE orders (id bigint PRIMARY KEY, created_at timestamptz)');
    await seedRows(db.current, 'orders', 1000, { id: 'i', created_at: 'now()' });
    const client = await db.current.connect();
    await client.query('BEGIN');
    await expect(client.query(CIC)).rejects.toMatchObject({ code: '25001' });
    await client.query('ROLLBACK');
    await client.query(CIC);
    const { rows } = await client.query(`SELECT indisvalid FROM pg_index WHERE indexrelid = 'orders_created_at_idx'::regclass`);
    expect(rows).toEqual([{ indisvalid: true }]);
  });
});
