import { describe, expect, it } from 'vitest';
import { seedRows, useTestDatabase } from '@pgsafe/testing';
import { rendered, ruleFindings } from '../testing/rule-kit.js';
import { recipeStatements } from '../testing/e2e.js';

const ID = 'require-statement-timeout';

describe(ID, () => {
  it('warns once per migration, at the first blocking statement', async () => {
    const sql = 'ALTER TABLE users ALTER COLUMN id TYPE bigint;\nCREATE INDEX u_idx ON users (name);';
    const findings = await ruleFindings(ID, sql);
    expect(findings.map((f) => [f.severity, f.start.line])).toEqual([['warning', 1]]);
    expect(await rendered(ID, sql)).toMatchSnapshot();
  });

  it('accepts a migration that sets statement_timeout, runner-set timeouts, and new tables', async () => {
    expect(await ruleFindings(ID, "SET statement_timeout = '5s';\nALTER TABLE users ALTER COLUMN id TYPE bigint;")).toEqual([]);
    expect(await ruleFindings(ID, 'ALTER TABLE users ALTER COLUMN id TYPE bigint;', { runnerSetsTimeouts: true })).toEqual([]);
    expect(await ruleFindings(ID, 'CREATE TABLE users (id int);\nALTER TABLE users ALTER COLUMN id TYPE bigint;')).toEqual([]);
  });
});

describe(`${ID} on PostgreSQL`, () => {
  const db = useTestDatabase('statement_timeout');

  it("the recipe's statement_timeout cancels a long rewrite and rolls it back", async () => {
    await db.current.query('CREATE TABLE users (id int PRIMARY KEY, name text)');
    await seedRows(db.current, 'users', 200000, { id: 'i', name: "'user ' || i" });
    const [finding] = await ruleFindings(ID, 'ALTER TABLE users ALTER COLUMN id TYPE bigint;');
    const [setTimeout] = await recipeStatements(finding!);
    const client = await db.current.connect();
    await client.query(setTimeout!.replace("'5s'", "'20ms'"));
    await expect(client.query('ALTER TABLE users ALTER COLUMN id TYPE bigint')).rejects.toMatchObject({ code: '57014' });
    const { rows } = await db.current.query(`SELECT format_type(atttypid, NULL) AS t FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname = 'id'`);
    expect(rows).toEqual([{ t: 'integer' }]);
  });
});
