import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { adminUrl, createTestDatabase } from '@pgsafe/testing';
import pg from 'pg';
import { rendered, ruleFindings } from '../testing/rule-kit.js';

const ID = 'ban-drop-database';

describe(ID, () => {
  it('flags DROP DATABASE', async () => {
    const sql = 'DROP DATABASE IF EXISTS shop_production;';
    expect((await ruleFindings(ID, sql)).map((f) => f.severity)).toEqual(['error']);
    expect(await rendered(ID, sql)).toMatchSnapshot();
  });

  it('accepts other drops', async () => {
    expect(await ruleFindings(ID, 'DROP SCHEMA staging;')).toEqual([]);
  });
});

describe(`${ID} on PostgreSQL`, () => {
  it('the database and its rows are gone at once', async () => {
    const victim = await createTestDatabase(`victim_${randomBytes(2).toString('hex')}`);
    await victim.query('CREATE TABLE t AS SELECT generate_series(1, 1000) AS i');
    await victim.drop();
    const admin = new pg.Client({ connectionString: adminUrl() });
    await admin.connect();
    const { rows } = await admin.query('SELECT count(*)::int AS n FROM pg_database WHERE datname = $1', [victim.name]);
    await admin.end();
    expect(rows).toEqual([{ n: 0 }]);
  });
});
