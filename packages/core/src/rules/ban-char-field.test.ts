import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '@pgsafe/testing';
import { rendered, ruleFindings } from '../testing/rule-kit.js';

const ID = 'ban-char-field';
const CREATE = 'CREATE TABLE shops (id bigint PRIMARY KEY, postcode char(10));';

describe(ID, () => {
  it('warns about char(n)', async () => {
    const findings = await ruleFindings(ID, CREATE);
    expect(findings.map((f) => f.recipe.sql)).toEqual(['CREATE TABLE shops (id bigint PRIMARY KEY, postcode text);']);
    expect(await rendered(ID, CREATE)).toMatchSnapshot();
  });

  it('accepts text and varchar', async () => {
    expect(await ruleFindings(ID, 'CREATE TABLE shops (country text, code varchar(3));')).toEqual([]);
  });

  it('accepts char(1) to char(3): fixed-length codes (flags, ISO country and currency codes) fill the width (issue 22)', async () => {
    expect(await ruleFindings(ID, 'CREATE TABLE shops (active char, kind char(1), country char(2), currency character(3));')).toEqual([]);
  });
});

describe(`${ID} on PostgreSQL`, () => {
  const db = useTestDatabase('char_field');

  it('char(10) hands the padding back to clients', async () => {
    await db.current.query(CREATE);
    await db.current.query(`INSERT INTO shops VALUES (1, '75001')`);
    const { rows } = await db.current.query(`SELECT postcode, postcode || '|' AS joined, octet_length(postcode) AS n FROM shops`);
    expect(rows).toEqual([{ postcode: '75001     ', joined: '75001|', n: 10 }]);
  });
});
