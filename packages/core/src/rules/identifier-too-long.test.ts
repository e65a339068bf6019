import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '@pgsafe/testing';
import { rendered, ruleFindings } from '../testing/rule-kit.js';

const ID = 'identifier-too-long';
const LONG = 'idx_customer_subscriptions_billing_period_started_at_and_status_v2';

describe(ID, () => {
  it('flags names over 63 bytes, counting bytes not characters', async () => {
    const sql = `CREATE INDEX CONCURRENTLY ${LONG} ON customer_subscriptions (billing_period_started_at, status);`;
    expect((await ruleFindings(ID, sql)).map((f) => f.severity)).toEqual(['error']);
    expect(await rendered(ID, sql)).toMatchSnapshot();
    expect(await ruleFindings(ID, `ALTER TABLE t ADD COLUMN "${'é'.repeat(32)}" int;`)).toHaveLength(1);
  });

  it('accepts names of 63 bytes', async () => {
    expect(await ruleFindings(ID, `CREATE TABLE ${'t'.repeat(63)} (id int);`)).toEqual([]);
  });
});

describe(`${ID} on PostgreSQL`, () => {
  const db = useTestDatabase('long_names');

  it('two long names sharing their first 63 bytes collide', async () => {
    await db.current.query('CREATE TABLE customer_subscriptions (billing_period_started_at date, status text)');
    await db.current.query(`CREATE INDEX ${LONG} ON customer_subscriptions (status)`);
    await expect(db.current.query(`CREATE INDEX ${LONG.replace('v2', 'v3')} ON customer_subscriptions (billing_period_started_at)`)).rejects.toMatchObject({ code: '42P07' });
  });
});

describe(`${ID} pre-filter`, () => {
  it('still sees quoted names with spaces and commas, and non-ASCII names', async () => {
    const spaced = `"${'a long name, with spaces and commas '.repeat(2)}"`;
    expect(await ruleFindings(ID, `CREATE TABLE ${spaced} (id int);`)).toHaveLength(1);
    expect(await ruleFindings(ID, `CREATE TABLE "${'ü'.repeat(32)}" (id int);`)).toHaveLength(1);
    expect(await ruleFindings(ID, `CREATE TABLE "${'ü'.repeat(31)}" (id int);`)).toEqual([]);
  });
});
