import { describe, expect, it } from 'vitest';
import { seedRows, useTestDatabase } from '@pgsafe/testing';
import { rendered, ruleFindings } from '../testing/rule-kit.js';
import { recipeStatements, runAll } from '../testing/e2e.js';
import { MigrationHistory } from '../context/history.js';
import { parseMigration } from '../parse.js';

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

  it('a function the history created has the volatility its CREATE FUNCTION says: VOLATILE unless declared otherwise (issue 22)', async () => {
    const fn = (volatility: string) => `CREATE FUNCTION make_handle() RETURNS text LANGUAGE sql ${volatility} AS $$ SELECT md5(random()::text) $$;`;
    const judged = (volatility: string) => {
      const history = new MigrationHistory({ pgVersion: 15 });
      history.next(parseMigration(`CREATE TABLE users (id bigint PRIMARY KEY);\n${fn(volatility)}`, '001.sql'), { name: '001_init' });
      return history.next(parseMigration('ALTER TABLE users ADD COLUMN handle text DEFAULT make_handle();', '002.sql'), { name: '002_handle' }).filter((f) => f.rule === ID);
    };
    // Said nothing: VOLATILE, a certain rewrite (an error, no longer "may be volatile").
    expect(judged('').map((f) => [f.severity, f.message])).toEqual([['error', 'Adding users.handle rewrites the whole table under an ACCESS EXCLUSIVE lock: make_handle() is volatile: it is evaluated for every existing row.']]);
    expect(judged('VOLATILE').map((f) => f.severity)).toEqual(['error']);
    expect(judged('IMMUTABLE')).toEqual([]);
    expect(judged('STABLE')).toEqual([]);

    // What PostgreSQL does with each: the undeclared function's default rewrites the table, the IMMUTABLE one's does not.
    await db.current.query('CREATE TABLE users (id bigint PRIMARY KEY)');
    await seedRows(db.current, 'users', 500, { id: 'i' });
    await db.current.query(fn('').replace('make_handle', 'make_handle_v'));
    await db.current.query(fn('IMMUTABLE').replace('make_handle', 'make_handle_i'));
    const start = await relfilenode();
    await db.current.query('ALTER TABLE users ADD COLUMN a text DEFAULT make_handle_i()');
    expect(await relfilenode()).toBe(start);
    await db.current.query('ALTER TABLE users ADD COLUMN b text DEFAULT make_handle_v()');
    expect(await relfilenode()).not.toBe(start);
    const { rows } = await db.current.query<{ n: string }>('SELECT count(DISTINCT b)::text AS n FROM users');
    expect(rows[0]!.n).toBe('500');
    await db.current.query('DROP TABLE users');
  });

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
