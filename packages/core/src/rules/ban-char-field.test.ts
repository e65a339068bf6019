import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '@pgsafe/testing';
import { rendered, ruleFindings } from '../testing/rule-kit.js';

const ID = 'ban-char-field';
const CREATE = 'CREATE TABLE shops (id bigint PRIMARY KEY, country char(3));';

describe(ID, () => {
  it('warns about char(n)', async () => {
    const findings = await ruleFindings(ID, CREATE);
    expect(findings.map((f) => f.recipe.sql)).toEqual(['CREATE TABLE shops (id bigint PRIMARY KEY, country text);']);
    expect(await rendered(ID, CREATE)).toMatchSnapshot();
  });

  it('accepts text and varchar', async () => {
    expect(await ruleFindings(ID, 'CREATE TABLE shops (country text, code varchar(3));')).toEqual([]);
  });
});

describe(`${ID} on PostgreSQL`, () => {
  const db = useTestDatabase('char_field');

  it('char(3) hands the padding back to clients', async () => {
    await db.current.query(CREATE);
    await db.current.query(`INSERT INTO shops VALUES (1, 'FR')`);
    const { rows } = await db.current.query(`SELECT country, country || '|' AS joined, octet_length(country) AS n FROM shops`);
    expect(rows).toEqual([{ country: 'FR ', joined: 'FR|', n: 3 }]);
  });
});
