import { describe, expect, it } from 'vitest';
import { seedRows, useTestDatabase } from '@pgsafe/testing';
import { rendered, ruleFindings } from '../testing/rule-kit.js';
import { recipeStatements, runAll } from '../testing/e2e.js';

const ID = 'foreign-key-missing-index';

describe(ID, () => {
  it('warns about a foreign key with no index on its columns', async () => {
    const sql = 'ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;';
    const findings = await ruleFindings(ID, sql);
    expect(findings.map((f) => f.severity)).toEqual(['warning']);
    expect(findings[0]!.recipe.sql).toBe('CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_user_id_fkey_idx ON orders (user_id);');
    expect(await rendered(ID, sql)).toMatchSnapshot();
  });

  it('covers inline REFERENCES in CREATE TABLE and ADD COLUMN, and composite keys', async () => {
    expect(await ruleFindings(ID, 'CREATE TABLE posts (id bigint PRIMARY KEY, author_id bigint REFERENCES users);')).toHaveLength(1);
    expect(await ruleFindings(ID, 'ALTER TABLE posts ADD COLUMN editor_id bigint REFERENCES users;')).toHaveLength(1);
    const composite = await ruleFindings(ID, 'ALTER TABLE lines ADD FOREIGN KEY (order_id, shop_id) REFERENCES orders (id, shop_id) NOT VALID;');
    expect(composite[0]!.recipe.sql).toContain('ON lines (order_id, shop_id)');
  });

  it('accepts a reference to a lookup table the migrations fill themselves (issue 22): its rows are not deleted, the index would never be used', async () => {
    const kinds = "CREATE TABLE activity_kinds (id int PRIMARY KEY, name text);\nINSERT INTO activity_kinds VALUES (1, 'commit'), (2, 'review'), (3, 'post');";
    const child = 'CREATE TABLE activities (id bigint PRIMARY KEY, kind_id int REFERENCES activity_kinds (id));';
    expect(await ruleFindings(ID, `${kinds}\n${child}`)).toEqual([]);
    // Nor from a lookup table to a big one: scanning a few hundred rows costs nothing.
    expect(await ruleFindings(ID, `${kinds}\nALTER TABLE activity_kinds ADD COLUMN owner_id bigint REFERENCES users (id);`)).toEqual([]);
    // One seeded row (an admin user) says nothing about what the application adds: still flagged.
    const users = "CREATE TABLE accounts (id int PRIMARY KEY, name text);\nINSERT INTO accounts VALUES (1, 'admin');";
    expect(await ruleFindings(ID, `${users}\nCREATE TABLE posts (id bigint PRIMARY KEY, account_id int REFERENCES accounts (id));`)).toHaveLength(1);
  });

  it('accepts an index created in the same migration, before or after, whose leading columns match', async () => {
    expect(await ruleFindings(ID, 'CREATE INDEX CONCURRENTLY o_u ON orders (user_id, created_at);\nALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES users NOT VALID;')).toEqual([]);
    expect(await ruleFindings(ID, 'ALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES users NOT VALID;\nCREATE INDEX CONCURRENTLY o_u ON orders (user_id);')).toEqual([]);
    expect(await ruleFindings(ID, 'CREATE TABLE posts (author_id bigint PRIMARY KEY REFERENCES users);')).toEqual([]);
    expect(await ruleFindings(ID, 'ALTER TABLE orders ADD COLUMN invoice_id bigint UNIQUE REFERENCES invoices;')).toEqual([]);
    expect(await ruleFindings(ID, 'CREATE INDEX o_c ON orders (created_at, user_id);\nALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES users NOT VALID;')).toHaveLength(1);
  });
});

describe(`${ID} on PostgreSQL`, () => {
  const db = useTestDatabase('fk_index');

  it('deleting a parent scans the whole child table without the index, and uses the index with it', async () => {
    await db.current.query('CREATE TABLE users (id bigint PRIMARY KEY)');
    await db.current.query('CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users)');
    await seedRows(db.current, 'users', 1000, { id: 'i' });
    await seedRows(db.current, 'orders', 20000, { id: 'i', user_id: '(i % 999) + 2' });
    await db.current.query('ANALYZE orders');
    // The foreign-key check on DELETE looks up child rows the way this query does.
    const plan = async () =>
      JSON.stringify((await db.current.query('EXPLAIN (FORMAT JSON) SELECT 1 FROM orders WHERE user_id = 1')).rows[0]);
    expect(await plan()).toContain('Seq Scan');

    const [finding] = await ruleFindings(ID, 'ALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES users NOT VALID;');
    await runAll(db.current, await recipeStatements(finding!));
    expect(await plan()).not.toContain('Seq Scan');
  });
});
