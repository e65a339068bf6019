import { describe, expect, it } from 'vitest';
import { seedRows, useTestDatabase } from '@pgsafe/testing';
import { rendered, ruleFindings } from '../testing/rule-kit.js';
import { recipeStatements, runAll } from '../testing/e2e.js';

const ID = 'renaming-table';
const RENAME = 'ALTER TABLE customers RENAME TO accounts;';

describe(ID, () => {
  it('flags a table rename', async () => {
    expect((await ruleFindings(ID, RENAME)).map((f) => f.severity)).toEqual(['error']);
    expect(await rendered(ID, RENAME)).toMatchSnapshot();
  });

  it('accepts renaming a table created in the same migration', async () => {
    expect(await ruleFindings(ID, `CREATE TABLE customers (id int);\n${RENAME}`)).toEqual([]);
  });
});

describe(`${ID} on PostgreSQL`, () => {
  const db = useTestDatabase('rename_table');

  it('old code breaks after a bare rename; with the view it keeps reading and writing', async () => {
    await db.current.query('CREATE TABLE customers (id bigint PRIMARY KEY, name text)');
    await seedRows(db.current, 'customers', 1000, { id: 'i', name: "'c' || i" });
    const [finding] = await ruleFindings(ID, RENAME);
    await runAll(db.current, await recipeStatements(finding!));
    await db.current.query(`INSERT INTO customers VALUES (1001, 'through the view')`);
    expect((await db.current.query('SELECT count(*)::int AS n FROM accounts')).rows).toEqual([{ n: 1001 }]);

    await db.current.query('DROP VIEW customers');
    await expect(db.current.query('SELECT count(*) FROM customers')).rejects.toMatchObject({ code: '42P01' });
  });
});
