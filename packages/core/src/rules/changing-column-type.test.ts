import { MigrationHistory } from '../context/history.js';
import { parseMigration } from '../parse.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { seedRows, useTestDatabase } from '@pgsafe/testing';
import { rendered, ruleFindings } from '../testing/rule-kit.js';
import { recipeStatements, runAll } from '../testing/e2e.js';

const ID = 'changing-column-type';
const TO_BIGINT = 'ALTER TABLE orders ALTER COLUMN id TYPE bigint;';

/** Changes PostgreSQL makes without rewriting the table: not flagged when the old type is known. */
const CATALOG_ONLY = [
  ['varchar(50)', 'varchar(100)'],
  ['varchar(50)', 'varchar'],
  ['varchar(50)', 'text'],
  ['text', 'varchar'],
  ['numeric(10,2)', 'numeric(12,2)'],
  ['numeric(10,2)', 'numeric'],
  ['varbit(8)', 'varbit(16)'],
  ['int', 'integer'],
];

/** A column added by this migration to an existing table, then retyped: the old type is known. */
const retypeAdded = (from: string, to: string, table = 'orders') => `ALTER TABLE ${table} ADD COLUMN c ${from};\nALTER TABLE ${table} ALTER COLUMN c TYPE ${to};`;

describe(ID, () => {
  it('flags int → bigint', async () => {
    const findings = await ruleFindings(ID, TO_BIGINT);
    expect(findings.map((f) => [f.severity, f.start.column])).toEqual([['error', 33]]);
    expect(await rendered(ID, TO_BIGINT)).toMatchSnapshot();
  });

  it('flags any USING, narrowing, and changes that convert values', async () => {
    for (const sql of [
      'ALTER TABLE orders ALTER COLUMN ref TYPE text USING ref::text;',
      retypeAdded('varchar(100)', 'varchar(50)'),
      retypeAdded('text', 'varchar(20)'),
      retypeAdded('numeric(10,2)', 'numeric(12,4)'),
      retypeAdded('numeric', 'numeric(12,2)'),
      retypeAdded('char(5)', 'char(10)'),
      retypeAdded('int', 'bigint'),
      retypeAdded('varchar(20)', 'varchar(30)[]'),
    ]) {
      expect((await ruleFindings(ID, sql)).map((f) => f.severity), sql).toEqual(['error']);
    }
  });

  it('an enum swapped for a new one of the same name: "to cart_kind", never "from cart_kind to cart_kind" (issue 22)', async () => {
    const sql = "CREATE TYPE cart_kind AS ENUM ('a');\nCREATE TABLE carts (id bigint PRIMARY KEY, kind cart_kind);\n";
    const swap = "ALTER TYPE cart_kind RENAME TO cart_kind_old;\nCREATE TYPE cart_kind AS ENUM ('a', 'b');\nALTER TABLE carts ALTER COLUMN kind TYPE cart_kind USING kind::text::cart_kind;";
    const history = new MigrationHistory({ pgVersion: 15 });
    history.next(parseMigration(sql, '1'), { name: '1' });
    const [finding] = history.next(parseMigration(swap, '2'), { name: '2' }).filter((f) => f.rule === ID);
    expect(finding!.message).toBe('Changing carts.kind from cart_kind_old to cart_kind with USING rewrites the whole table and its indexes under an ACCESS EXCLUSIVE lock.');
  });

  it('does not flag the changes PostgreSQL makes in the catalog only (unlike squawk)', async () => {
    for (const [from, to] of CATALOG_ONLY) expect(await ruleFindings(ID, retypeAdded(from!, to!)), `${from} → ${to}`).toEqual([]);
  });

  it('flags a collation change, which rebuilds the indexes on the column', async () => {
    const [finding] = await ruleFindings(ID, retypeAdded('text', 'text COLLATE "C"'));
    expect(finding!.message).toBe('Changing the collation of orders.c to "C" rebuilds every index on it under an ACCESS EXCLUSIVE lock.');
  });

  it('says nothing when the old type is unknown and the new one is a widening target (issue 22: widenings or tiny tables)', async () => {
    for (const sql of ['ALTER TABLE orders ALTER COLUMN note TYPE text;', 'ALTER TABLE orders ALTER COLUMN note TYPE varchar(200);', 'ALTER TABLE orders ALTER COLUMN total TYPE numeric(14,2);']) {
      expect(await ruleFindings(ID, sql), sql).toEqual([]);
    }
    // Known from the history, a real rewrite is still an error.
    expect((await ruleFindings(ID, 'CREATE TABLE IF NOT EXISTS x (a int);\nALTER TABLE orders ALTER COLUMN total TYPE numeric(14,2);\nALTER TABLE orders ALTER COLUMN id TYPE bigint;')).map((f) => f.severity)).toEqual(['error']);
  });

  it('timestamp → timestamptz: flagged, with the TimeZone UTC way out from PG 12', async () => {
    const sql = retypeAdded('timestamp', 'timestamptz', 'events');
    const [finding] = await ruleFindings(ID, sql);
    expect(finding!.severity).toBe('error');
    expect(finding!.message).toContain('unless the session TimeZone is UTC (PG 12+)');
    expect(await rendered(ID, sql)).toMatchSnapshot();
    const [unknown] = await ruleFindings(ID, 'ALTER TABLE events ALTER COLUMN at TYPE timestamptz;');
    expect(unknown!.message).toContain('(from timestamp: unless the session TimeZone is UTC, PG 12+)');
    const [pg11] = await ruleFindings(ID, sql, { pgVersion: 11 });
    expect(pg11!.message).not.toContain('UTC');
    expect(pg11!.recipe.sql).not.toContain('TimeZone');
  });

  it('inside a transaction block, the UTC recipe does not open another one', async () => {
    const [finding] = await ruleFindings(ID, retypeAdded('timestamp', 'timestamptz', 'events'), { assumeInTransaction: true });
    expect(finding!.recipe.sql.split('\n').slice(0, 2)).toEqual([`SET LOCAL TimeZone = 'UTC';`, 'ALTER TABLE events ALTER COLUMN c TYPE timestamptz;']);
  });

  it('does not flag a table created in the same migration', async () => {
    expect(await ruleFindings(ID, `CREATE TABLE orders (id int);\n${TO_BIGINT}`)).toEqual([]);
  });
});

describe(`${ID} on PostgreSQL`, () => {
  const db = useTestDatabase('column_type');
  const filenode = async (relation = 'orders') =>
    (await db.current.query<{ n: string }>(`SELECT pg_relation_filenode('${relation}')::text AS n`)).rows[0]!.n;

  beforeAll(async () => {
    await db.current.query('CREATE TABLE orders (id int PRIMARY KEY, ref varchar(20))');
    await seedRows(db.current, 'orders', 2000, { id: 'i', ref: "'r' || i" });
  });

  it('the changes it does not flag keep the table and its index files (relfilenode); int → bigint rewrites both', async () => {
    await db.current.query('CREATE TABLE sizes (id int PRIMARY KEY)');
    await seedRows(db.current, 'sizes', 2000);
    for (const [i, [from, to]] of CATALOG_ONLY.entries()) {
      await db.current.query(`ALTER TABLE sizes ADD COLUMN c${i} ${from}`);
      await db.current.query(`UPDATE sizes SET c${i} = ${from!.startsWith('varbit') ? "B'1010'" : `'${i}'`}`);
      await db.current.query(`CREATE INDEX sizes_c${i}_idx ON sizes (c${i})`);
      const [table, index] = [await filenode('sizes'), await filenode(`sizes_c${i}_idx`)];
      await db.current.query(`ALTER TABLE sizes ALTER COLUMN c${i} TYPE ${to}`);
      expect([await filenode('sizes'), await filenode(`sizes_c${i}_idx`)], `${from} → ${to}`).toEqual([table, index]);
    }
    const [table, index] = [await filenode('sizes'), await filenode('sizes_pkey')];
    await db.current.query('ALTER TABLE sizes ALTER COLUMN id TYPE bigint');
    expect(await filenode('sizes')).not.toBe(table);
    expect(await filenode('sizes_pkey')).not.toBe(index);
  });

  it('timestamp → timestamptz: rewrites under another TimeZone, not with the UTC recipe (PG 12+)', async () => {
    await db.current.query('CREATE TABLE events (id int PRIMARY KEY, a timestamp, b timestamp)');
    await seedRows(db.current, 'events', 2000, { id: 'i', a: "timestamp '2024-01-01' + i * interval '1 minute'", b: "timestamp '2024-01-01'" });
    const [finding] = await ruleFindings(ID, 'ALTER TABLE events ADD COLUMN a timestamp;\nALTER TABLE events ALTER COLUMN a TYPE timestamptz;');
    const before = await filenode('events');
    await runAll(db.current, await recipeStatements(finding!));
    expect(await filenode('events')).toBe(before);
    const { rows } = await db.current.query(`SELECT a = timestamptz '2024-01-01 00:01:00+00' AS utc FROM events WHERE id = 1`);
    expect(rows).toEqual([{ utc: true }]);

    await runAll(db.current, [`SET TimeZone = 'Europe/Paris'`, 'ALTER TABLE events ALTER COLUMN b TYPE timestamptz']);
    expect(await filenode('events')).not.toBe(before);
  });

  it("the recipe changes the type without rewriting the table, and its trigger keeps new writes in sync", async () => {
    const [finding] = await ruleFindings(ID, TO_BIGINT);
    const recipe = await recipeStatements(finding!);
    const before = await filenode();
    const swap = recipe.indexOf('BEGIN');
    await runAll(db.current, recipe.slice(0, swap));
    // Written by the application between the backfill and the swap: the trigger fills the new column.
    await db.current.query(`INSERT INTO orders (id, ref) VALUES (2001, 'r2001')`);
    await runAll(db.current, recipe.slice(swap));
    expect(await filenode()).toBe(before);
    const { rows } = await db.current.query(
      `SELECT format_type(atttypid, NULL) AS type, (SELECT count(*)::int FROM orders WHERE id IS DISTINCT FROM id_old) AS differ, (SELECT count(*)::int FROM orders) AS n
         FROM pg_attribute WHERE attrelid = 'orders'::regclass AND attname = 'id'`,
    );
    expect(rows).toEqual([{ type: 'bigint', differ: 0, n: 2001 }]);
  });

  it('with USING, the trigger and the backfill compute the same expression', async () => {
    const [finding] = await ruleFindings(ID, 'ALTER TABLE orders ALTER COLUMN ref TYPE integer USING substr(ref, 2)::integer;');
    const recipe = await recipeStatements(finding!);
    const swap = recipe.indexOf('BEGIN');
    await runAll(db.current, recipe.slice(0, swap));
    await db.current.query(`INSERT INTO orders (id, id_old, ref) VALUES (2002, 2002, 'r2002')`);
    await runAll(db.current, recipe.slice(swap));
    const { rows } = await db.current.query(`SELECT count(*)::int AS n FROM orders WHERE ref = id_old`);
    expect(rows).toEqual([{ n: 2002 }]);
  });
});
