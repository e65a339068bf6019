import { describe, expect, it } from 'vitest';
import { seedRows, useTestDatabase } from '@pgsafe/testing';
import { rendered, ruleFindings } from '../testing/rule-kit.js';
import { recipeStatements, runAll } from '../testing/e2e.js';

const ID = 'renaming-column';
const RENAME = 'ALTER TABLE users RENAME COLUMN name TO full_name;';

describe(ID, () => {
  it('flags a column rename on an existing table', async () => {
    expect((await ruleFindings(ID, RENAME)).map((f) => f.severity)).toEqual(['error']);
    expect(await rendered(ID, RENAME)).toMatchSnapshot();
  });

  it('accepts renames on a table created in the same migration, and other renames', async () => {
    expect(await ruleFindings(ID, `CREATE TABLE users (name text);\n${RENAME}`)).toEqual([]);
    expect(await ruleFindings(ID, 'ALTER INDEX users_name_idx RENAME TO users_full_name_idx;')).toEqual([]);
  });
});

describe(`${ID} on PostgreSQL`, () => {
  const db = useTestDatabase('rename_column');

  it("the running code's query breaks at once after the rename; it keeps working through the expand step", async () => {
    await db.current.query('CREATE TABLE users (id bigint PRIMARY KEY, name text)');
    await seedRows(db.current, 'users', 1000, { id: 'i', name: "'user ' || i" });
    const oldCode = 'SELECT name FROM users WHERE id = 1';

    const [finding] = await ruleFindings(ID, RENAME);
    await runAll(db.current, await recipeStatements(finding!, { '<type of name>': 'text' }));
    expect((await db.current.query(oldCode)).rows).toEqual([{ name: 'user 1' }]);

    await db.current.query(RENAME.replace('full_name', 'display_name'));
    await expect(db.current.query(oldCode)).rejects.toMatchObject({ code: '42703' });
  });
});
