import { describe, expect, it } from 'vitest';
import { seedRows, useTestDatabase } from '@pgsafe/testing';
import { rendered, ruleFindings } from '../testing/rule-kit.js';
import { recipeStatements, runAll } from '../testing/e2e.js';

const ID = 'ban-truncate-cascade';

describe(ID, () => {
  it('flags TRUNCATE ... CASCADE', async () => {
    const sql = 'TRUNCATE users CASCADE;';
    expect((await ruleFindings(ID, sql)).map((f) => f.severity)).toEqual(['error']);
    expect(await rendered(ID, sql)).toMatchSnapshot();
  });

  it('accepts a plain TRUNCATE', async () => {
    expect(await ruleFindings(ID, 'TRUNCATE staging_users;')).toEqual([]);
  });
});

describe(`${ID} on PostgreSQL`, () => {
  const db = useTestDatabase('truncate');

  it('CASCADE empties the referencing table; the recipe refuses to', async () => {
    await db.current.query('CREATE TABLE users (id bigint PRIMARY KEY)');
    await db.current.query('CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users)');
    await seedRows(db.current, 'users', 100, { id: 'i' });
    await seedRows(db.current, 'orders', 1000, { id: 'i', user_id: '(i % 100) + 1' });
    const [finding] = await ruleFindings(ID, 'TRUNCATE users CASCADE;');
    await expect(runAll(db.current, await recipeStatements(finding!))).rejects.toMatchObject({ code: '0A000' });
    await db.current.query('TRUNCATE users CASCADE');
    expect((await db.current.query('SELECT count(*)::int AS n FROM orders')).rows).toEqual([{ n: 0 }]);
  });
});
