import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '@pgsafe/testing';
import { rendered, ruleFindings } from '../testing/rule-kit.js';

const ID = 'require-table-schema';
const ON = { severities: { [ID]: 'warning' as const } };

describe(ID, () => {
  it('is opt-in: silent by default, reports when enabled', async () => {
    const sql = 'CREATE TABLE audit (id bigint);';
    expect(await ruleFindings(ID, sql)).toEqual([]);
    expect(await ruleFindings(ID, sql, ON)).toHaveLength(1);
    expect(await rendered(ID, sql, ON)).toMatchSnapshot();
  });

  it('accepts qualified names and temporary tables', async () => {
    expect(await ruleFindings(ID, 'CREATE TABLE public.audit (id bigint);\nCREATE TEMP TABLE scratch (id int);', ON)).toEqual([]);
  });
});

describe(`${ID} on PostgreSQL`, () => {
  const db = useTestDatabase('table_schema');

  it('the same unqualified statement lands in another schema under another search_path', async () => {
    await db.current.query('CREATE SCHEMA tenant_a');
    const client = await db.current.connect();
    await client.query('SET search_path = tenant_a, public');
    await client.query('CREATE TABLE audit (id bigint)');
    const { rows } = await client.query(`SELECT table_schema FROM information_schema.tables WHERE table_name = 'audit'`);
    expect(rows).toEqual([{ table_schema: 'tenant_a' }]);
  });
});
