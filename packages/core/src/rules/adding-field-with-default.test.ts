import { describe, expect, it } from 'vitest';
import { seedRows, useTestDatabase } from '@pgsafe/testing';
import { rendered, ruleFindings } from '../testing/rule-kit.js';
import { recipeStatements, runAll } from '../testing/e2e.js';

const ID = 'adding-field-with-default';

describe(ID, () => {
  it('flags a volatile default, a serial and a STORED generated column', async () => {
    const sql = 'ALTER TABLE users ADD COLUMN token uuid NOT NULL DEFAULT gen_random_uuid();';
    expect((await ruleFindings(ID, sql)).map((f) => f.severity)).toEqual(['error']);
    expect(await rendered(ID, sql)).toMatchSnapshot();
    expect(await ruleFindings(ID, 'ALTER TABLE users ADD COLUMN seq bigserial;')).toHaveLength(1);
    const generated = await ruleFindings(ID, 'ALTER TABLE users ADD COLUMN total int GENERATED ALWAYS AS (a + b) STORED;');
    expect(generated[0]!.recipe.sql).toContain('GENERATED ALWAYS AS (a + b) VIRTUAL');
  });

  it('flags any default before PG 11, and only warns about functions it cannot classify', async () => {
    expect(await ruleFindings(ID, "ALTER TABLE users ADD COLUMN c text DEFAULT 'x';", { pgVersion: 11 })).toEqual([]);
    expect((await ruleFindings(ID, 'ALTER TABLE users ADD COLUMN c text DEFAULT my_func();')).map((f) => f.severity)).toEqual(['warning']);
  });

  it('accepts constant and stable defaults, and new tables', async () => {
    expect(await ruleFindings(ID, "ALTER TABLE users ADD COLUMN c text NOT NULL DEFAULT 'FR';")).toEqual([]);
    expect(await ruleFindings(ID, 'ALTER TABLE users ADD COLUMN at timestamptz NOT NULL DEFAULT now();')).toEqual([]);
    expect(await ruleFindings(ID, 'CREATE TABLE users (id int);\nALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();')).toEqual([]);
  });
});

describe(`${ID} on PostgreSQL`, () => {
  const db = useTestDatabase('field_default');
  const relfilenode = async () => (await db.current.query<{ n: string }>(`SELECT relfilenode::text AS n FROM pg_class WHERE relname = 'users'`)).rows[0]!.n;

  it('a volatile default rewrites the table; now() and the recipe do not', async () => {
    await db.current.query('CREATE TABLE users (id bigint PRIMARY KEY)');
    await seedRows(db.current, 'users', 2000, { id: 'i' });
    const start = await relfilenode();
    await db.current.query('ALTER TABLE users ADD COLUMN at timestamptz NOT NULL DEFAULT now()');
    expect(await relfilenode()).toBe(start);

    const sql = 'ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();';
    const [finding] = await ruleFindings(ID, sql);
    await runAll(db.current, await recipeStatements(finding!));
    expect(await relfilenode()).toBe(start);
    await db.current.query('INSERT INTO users (id) VALUES (5000)');
    expect((await db.current.query('SELECT token IS NOT NULL AS ok FROM users WHERE id = 5000')).rows).toEqual([{ ok: true }]);

    await db.current.query(sql.replace('token', 'token2'));
    expect(await relfilenode()).not.toBe(start);
  });
});
