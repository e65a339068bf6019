import { describe, expect, it } from 'vitest';
import { seedRows, useTestDatabase } from '@pgsafe/testing';
import { rendered, ruleFindings } from '../testing/rule-kit.js';
import { recipeStatements, runAll } from '../testing/e2e.js';

const ID = 'renaming-table';
const RENAME = 'ALTER TABLE customers RENAME TO accounts;';

describe(ID, () => {
  it('is not reported when the previous release is stopped before the migrations run (deploy: stop-the-app, issue 22)', async () => {
    expect(await ruleFindings(ID, RENAME, { deploy: 'stop-the-app' })).toEqual([]);
    expect(await ruleFindings(ID, RENAME, { deploy: 'rolling' })).toHaveLength(1);
  });

  it('flags a table rename', async () => {
    expect((await ruleFindings(ID, RENAME)).map((f) => f.severity)).toEqual(['error']);
    expect(await rendered(ID, RENAME)).toMatchSnapshot();
  });

  it('keeps the schema, and opens no transaction inside the migration\'s own', async () => {
    const [finding] = await ruleFindings(ID, 'BEGIN;\nALTER TABLE billing.customers RENAME TO accounts;\nCOMMIT;');
    expect(finding!.recipe.sql.split('\n').slice(0, 2)).toEqual(['ALTER TABLE billing.customers RENAME TO accounts;', 'CREATE VIEW billing.customers AS SELECT * FROM billing.accounts;']);
  });

  it('accepts renaming a table created in the same migration, and other renames', async () => {
    expect(await ruleFindings(ID, `CREATE TABLE customers (id int);\n${RENAME}`)).toEqual([]);
    expect(await ruleFindings(ID, 'ALTER INDEX customers_pkey RENAME TO accounts_pkey;')).toEqual([]);
    expect(await ruleFindings(ID, 'ALTER TABLE customers RENAME COLUMN name TO full_name;')).toEqual([]);
  });
});

describe(`${ID} on PostgreSQL`, () => {
  const db = useTestDatabase('rename_table');
  const setup = async (table: string) => {
    await db.current.query(`CREATE TABLE ${table} (id bigint PRIMARY KEY, name text)`);
    await seedRows(db.current, table, 1000, { id: 'i', name: "'c' || i" });
  };

  it("a bare rename breaks the running code's queries at once", async () => {
    await setup('clients');
    await db.current.query('ALTER TABLE clients RENAME TO accounts_bare');
    await expect(db.current.query('SELECT name FROM clients WHERE id = 1')).rejects.toMatchObject({ code: '42P01' });
  });

  it('with the view, the running code keeps reading and writing under the old name, and the new name sees it all', async () => {
    await setup('customers');
    const [finding] = await ruleFindings(ID, RENAME);
    await runAll(db.current, await recipeStatements(finding!));
    expect((await db.current.query('SELECT name FROM customers WHERE id = 1')).rows).toEqual([{ name: 'c1' }]);
    await db.current.query(`INSERT INTO customers VALUES (1001, 'through the view')`);
    await db.current.query(`UPDATE customers SET name = 'renamed' WHERE id = 2`);
    await db.current.query('DELETE FROM customers WHERE id = 3');
    const { rows } = await db.current.query(`SELECT count(*)::int AS n, (SELECT name FROM accounts WHERE id = 2) AS two FROM accounts`);
    expect(rows).toEqual([{ n: 1000, two: 'renamed' }]);
  });
});
