import { describe, expect, it } from 'vitest';
import { seedRows, useTestDatabase } from '@pgsafe/testing';
import { rendered, ruleFindings } from '../testing/rule-kit.js';
import { recipeStatements, runAll } from '../testing/e2e.js';

const ID = 'renaming-column';
const RENAME = 'ALTER TABLE users RENAME COLUMN name TO full_name;';

describe(ID, () => {
  it('is not reported when the previous release is stopped before the migrations run (deploy: stop-the-app, issue 22)', async () => {
    expect(await ruleFindings(ID, RENAME, { deploy: 'stop-the-app' })).toEqual([]);
    expect(await ruleFindings(ID, RENAME, { deploy: 'rolling' })).toHaveLength(1);
  });

  it("says which of the previous release's queries break, as the project's runner tells (issue 22)", async () => {
    expect((await ruleFindings(ID, RENAME, { runner: 'typeorm' }))[0]!.why).toContain('every query of the previous release that reads or writes users fails, not only those that use name');
    expect((await ruleFindings(ID, RENAME, { runner: 'goose' }))[0]!.why).toContain('break where they name name (SELECT * keeps working)');
  });

  it('flags a column rename on an existing table', async () => {
    expect((await ruleFindings(ID, RENAME)).map((f) => f.severity)).toEqual(['error']);
    expect(await rendered(ID, RENAME)).toMatchSnapshot();
  });

  it('fills in the type when the migration knows it', async () => {
    const [finding] = await ruleFindings(ID, `ALTER TABLE users ALTER COLUMN name TYPE varchar(100);\n${RENAME}`);
    expect(finding!.recipe.sql).toContain('ALTER TABLE users ADD COLUMN full_name varchar(100);');
  });

  it('accepts renames of a table or a column this migration creates, and other renames', async () => {
    expect(await ruleFindings(ID, `CREATE TABLE users (name text);\n${RENAME}`)).toEqual([]);
    expect(await ruleFindings(ID, `ALTER TABLE users ADD COLUMN name text;\n${RENAME}`)).toEqual([]);
    expect(await ruleFindings(ID, 'ALTER INDEX users_name_idx RENAME TO users_full_name_idx;')).toEqual([]);
    expect(await ruleFindings(ID, 'ALTER TABLE users RENAME CONSTRAINT users_name_check TO users_full_name_check;')).toEqual([]);
  });

  it('still flags a column the migration may not have added (ADD COLUMN IF NOT EXISTS)', async () => {
    expect(await ruleFindings(ID, `ALTER TABLE users ADD COLUMN IF NOT EXISTS name text;\n${RENAME}`)).toHaveLength(1);
  });
});

describe(`${ID} on PostgreSQL`, () => {
  const db = useTestDatabase('rename_column');

  it("the running code's query breaks at once after the rename; through the expand steps it keeps working and the new name has every value", async () => {
    await db.current.query('CREATE TABLE users (id bigint PRIMARY KEY, name text)');
    await seedRows(db.current, 'users', 3000, { id: 'i', name: "'user ' || i" });
    const oldCode = 'SELECT name FROM users WHERE id = 1';

    const [finding] = await ruleFindings(ID, RENAME);
    const [addColumn, backfill] = await recipeStatements(finding!, { '<type of name>': 'text' });
    await runAll(db.current, [addColumn!]);
    expect((await db.current.query(oldCode)).rows).toEqual([{ name: 'user 1' }]);
    // Deploy 1's application writes both names; the backfill copies the older rows.
    await db.current.query(`INSERT INTO users (id, name, full_name) VALUES (3001, 'user 3001', 'user 3001')`);
    await runAll(db.current, [backfill!]);
    expect((await db.current.query(oldCode)).rows).toEqual([{ name: 'user 1' }]);
    const { rows } = await db.current.query('SELECT count(*)::int AS n FROM users WHERE full_name IS NOT DISTINCT FROM name');
    expect(rows).toEqual([{ n: 3001 }]);

    await db.current.query('ALTER TABLE users RENAME COLUMN name TO display_name');
    await expect(db.current.query(oldCode)).rejects.toMatchObject({ code: '42703' });
  });
});
