import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '@pgsafe/testing';
import { rendered, ruleFindings } from '../testing/rule-kit.js';

const ID = 'enum-value-in-transaction';
const ADD = "ALTER TYPE order_status ADD VALUE 'refunded';";
const USE = "UPDATE orders SET status = 'refunded' WHERE refunded_at IS NOT NULL;";

describe(ID, () => {
  it('flags ADD VALUE inside a transaction before PG 12', async () => {
    const sql = `BEGIN;\n${ADD}\nCOMMIT;`;
    expect(await ruleFindings(ID, sql, { pgVersion: 11 })).toHaveLength(1);
    expect(await ruleFindings(ID, sql, { pgVersion: 12 })).toEqual([]);
    expect(await rendered(ID, sql, { pgVersion: 11 })).toMatchSnapshot();
  });

  it('flags using the new value in the same transaction on PG 12+', async () => {
    const sql = `${ADD}\n${USE}`;
    const findings = await ruleFindings(ID, sql, { assumeInTransaction: true });
    expect(findings.map((f) => [f.severity, f.start.line])).toEqual([['error', 1]]);
    expect(findings[0]!.message).toContain('line 2');
    expect(await ruleFindings(ID, `${ADD}\n${USE}`)).toEqual([]);
  });

  it('adding the same label to several enums in one transaction is no use of the first (Prisma does it; issue 22)', async () => {
    const sql = `${ADD}\nALTER TYPE return_status ADD VALUE 'refunded';`;
    expect(await ruleFindings(ID, sql, { assumeInTransaction: true })).toEqual([]);
  });
});

describe(`${ID} on PostgreSQL`, () => {
  const db = useTestDatabase('enum_value');

  it('the new value cannot be used before commit; after commit it can', async () => {
    await db.current.query("CREATE TYPE order_status AS ENUM ('paid', 'shipped')");
    await db.current.query('CREATE TABLE orders (id int, status order_status, refunded_at timestamptz)');
    await db.current.query("INSERT INTO orders VALUES (1, 'paid', now())");
    const client = await db.current.connect();
    await client.query('BEGIN');
    await client.query(ADD);
    await expect(client.query(USE)).rejects.toMatchObject({ code: '55P04' });
    await client.query('ROLLBACK');
    await client.query(ADD);
    await client.query(USE);
    expect((await client.query('SELECT status FROM orders')).rows).toEqual([{ status: 'refunded' }]);
  });
});
