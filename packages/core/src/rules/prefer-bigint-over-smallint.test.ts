import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '@pgsafe/testing';
import { rendered, ruleFindings } from '../testing/rule-kit.js';

const ID = 'prefer-bigint-over-smallint';
const CREATE = 'CREATE TABLE regions (id smallserial PRIMARY KEY, rank smallint);';

describe(ID, () => {
  it('warns about 2-byte key columns', async () => {
    const findings = await ruleFindings(ID, CREATE);
    expect(findings.map((f) => f.recipe.sql)).toEqual(['CREATE TABLE regions (id bigserial PRIMARY KEY, rank smallint);']);
    expect(await rendered(ID, CREATE)).toMatchSnapshot();
  });

  it('accepts non-key smallints', async () => {
    expect(await ruleFindings(ID, 'ALTER TABLE regions ADD COLUMN rank smallint;')).toEqual([]);
  });
});

describe(`${ID} on PostgreSQL`, () => {
  const db = useTestDatabase('smallint');

  it('a smallserial key fails after 32,767', async () => {
    await db.current.query(CREATE);
    await db.current.query(`SELECT setval(pg_get_serial_sequence('regions', 'id'), 32767)`);
    await expect(db.current.query('INSERT INTO regions (rank) VALUES (1)')).rejects.toMatchObject({ code: '2200H' });
  });
});
