/** traceMigration against real PostgreSQL with rows in the tables: each statement's observed locks against the
 *  lock PostgreSQL's documentation gives for it, rewrite detection by relfilenode, and the rollback. */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { columnsOf, seedRows, serverMajor, useTestDatabase } from '@pgsafe/testing';
import { loadParser, parseMigration } from '../parse.js';
import { traceMigration } from './trace.js';
import type { LockMode } from '../locks.js';

const db = useTestDatabase('trace');
const major = await serverMajor();

beforeAll(loadParser);

beforeEach(async () => {
  const q = (sql: string) => db.current.query(sql);
  await q('DROP TABLE IF EXISTS orders, users CASCADE');
  await q('CREATE TABLE users (id int PRIMARY KEY, email varchar(50), name text)');
  await seedRows(db.current, 'users', 2000, { id: 'i', email: "'u' || i || '@example.com'", name: "'n' || i" });
  await q('CREATE TABLE orders (id int PRIMARY KEY, user_id int, amount int)');
  await seedRows(db.current, 'orders', 5000, { id: 'i', user_id: '1 + i % 2000', amount: 'i % 50 + 1' });
  await q('ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0) NOT VALID');
  await q('CREATE INDEX orders_amount_idx ON orders (amount)');
  await q('CREATE MATERIALIZED VIEW big_orders AS SELECT * FROM orders WHERE amount > 40');
});

async function trace(sql: string) {
  const client = new pg.Client({ connectionString: db.current.url });
  await client.connect();
  try {
    return await traceMigration(client, parseMigration(sql, 'm.sql'));
  } finally {
    await client.end();
  }
}

/** The locks observed on each table (strongest first is not needed: the exact set). */
function tableLocks(locks: { relation: string; kind: string; mode: LockMode }[]): Record<string, LockMode[]> {
  const out: Record<string, LockMode[]> = {};
  for (const l of locks) if (l.kind === 'table' || l.kind === 'materialized view') (out[l.relation] ??= []).push(l.mode);
  for (const modes of Object.values(out)) modes.sort();
  return out;
}

// PostgreSQL's documentation, "Explicit Locking" and each command's page: the table lock each statement takes.
const CASES: { sql: string; documented: Record<string, LockMode>; observed: Record<string, LockMode[]> }[] = [
  { sql: 'ALTER TABLE users ADD COLUMN country text;', documented: { users: 'ACCESS EXCLUSIVE' }, observed: { users: ['ACCESS EXCLUSIVE'] } },
  { sql: 'CREATE INDEX users_name_idx ON users (name);', documented: { users: 'SHARE' }, observed: { users: ['SHARE'] } },
  {
    sql: 'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);',
    documented: { orders: 'SHARE ROW EXCLUSIVE', users: 'SHARE ROW EXCLUSIVE' },
    // The validation scan adds ACCESS SHARE on orders and ROW SHARE on users (its SELECT ... FOR KEY SHARE).
    observed: { orders: ['ACCESS SHARE', 'SHARE ROW EXCLUSIVE'], users: ['ACCESS SHARE', 'ROW SHARE', 'SHARE ROW EXCLUSIVE'] },
  },
  { sql: 'ALTER TABLE orders VALIDATE CONSTRAINT orders_amount_positive;', documented: { orders: 'SHARE UPDATE EXCLUSIVE' }, observed: { orders: ['SHARE UPDATE EXCLUSIVE'] } },
  { sql: 'ALTER TABLE orders ADD CONSTRAINT orders_id_positive CHECK (id > 0);', documented: { orders: 'ACCESS EXCLUSIVE' }, observed: { orders: ['ACCESS EXCLUSIVE'] } },
  { sql: 'ALTER TABLE users ALTER COLUMN name SET STATISTICS 500;', documented: { users: 'SHARE UPDATE EXCLUSIVE' }, observed: { users: ['SHARE UPDATE EXCLUSIVE'] } },
  { sql: 'ALTER TABLE users RENAME COLUMN name TO full_name;', documented: { users: 'ACCESS EXCLUSIVE' }, observed: { users: ['ACCESS EXCLUSIVE'] } },
  {
    sql: "CREATE FUNCTION noop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;\nCREATE TRIGGER users_noop BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION noop();",
    documented: { users: 'SHARE ROW EXCLUSIVE' },
    observed: { users: ['SHARE ROW EXCLUSIVE'] },
  },
  { sql: 'ALTER TABLE users SET (fillfactor = 70);', documented: { users: 'SHARE UPDATE EXCLUSIVE' }, observed: { users: ['SHARE UPDATE EXCLUSIVE'] } },
  // The new, empty heap gets its indexes rebuilt: SHARE as well.
  { sql: 'TRUNCATE orders;', documented: { orders: 'ACCESS EXCLUSIVE' }, observed: { orders: ['ACCESS EXCLUSIVE', 'SHARE'] } },
  { sql: 'REINDEX TABLE orders;', documented: { orders: 'SHARE' }, observed: { orders: ['SHARE'] } },
  // Besides the documented ACCESS EXCLUSIVE: the query reads orders, and the new heap is swapped in and indexed.
  // Up to PG 15 the view's stored query also names the view itself (its dummy OLD/NEW entries, removed in PG 16),
  // which adds ACCESS SHARE on it; seen on 15.x, gone on 16.14, 17.10 and 18.4.
  {
    sql: 'REFRESH MATERIALIZED VIEW big_orders;',
    documented: { big_orders: 'ACCESS EXCLUSIVE' },
    observed: { big_orders: ['ACCESS EXCLUSIVE', ...(major < 16 ? (['ACCESS SHARE'] as const) : []), 'EXCLUSIVE', 'SHARE'], orders: ['ACCESS SHARE'] },
  },
  { sql: 'LOCK TABLE users IN EXCLUSIVE MODE;', documented: { users: 'EXCLUSIVE' }, observed: { users: ['EXCLUSIVE'] } },
  { sql: 'UPDATE orders SET amount = amount + 1 WHERE id = 1;', documented: { orders: 'ROW EXCLUSIVE' }, observed: { orders: ['ROW EXCLUSIVE'] } },
];

describe('trace: the locks each statement really takes', () => {
  for (const c of CASES) {
    it(`${c.sql.split('\n').at(-1)} → ${Object.entries(c.documented).map(([t, m]) => `${m} on ${t}`).join(', ')}`, async () => {
      const result = await trace(c.sql);
      const last = result.statements.at(-1)!;
      expect(last.status).toBe('ok');
      expect(Object.fromEntries(last.documented.map((d) => [d.table, d.mode]))).toEqual(c.documented);
      expect(tableLocks(last.locks)).toEqual(c.observed);
      // The documented lock is among the observed ones on every table.
      for (const [table, mode] of Object.entries(c.documented)) expect(c.observed[table]).toContain(mode);
    });
  }

  it('reports the pg_locks mode name and index locks', async () => {
    const { statements } = await trace('DROP INDEX orders_amount_idx;');
    expect(statements[0]!.locks).toContainEqual({ relation: 'orders', kind: 'table', pgMode: 'AccessExclusiveLock', mode: 'ACCESS EXCLUSIVE' });
    expect(statements[0]!.locks).toContainEqual({ relation: 'orders_amount_idx', kind: 'index', table: 'orders', pgMode: 'AccessExclusiveLock', mode: 'ACCESS EXCLUSIVE' });
  });

  it('traces CREATE INDEX CONCURRENTLY as CREATE INDEX, noting the documented SHARE UPDATE EXCLUSIVE', async () => {
    const { statements } = await trace('CREATE INDEX CONCURRENTLY users_email_idx ON users (email);');
    const [s] = statements;
    expect(s!.tracedAs).toBe('CREATE INDEX users_email_idx ON users (email)');
    expect(s!.documented).toEqual([{ table: 'users', mode: 'SHARE UPDATE EXCLUSIVE' }]);
    expect(tableLocks(s!.locks)).toEqual({ users: ['SHARE'] });
    expect(s!.notes[0]).toMatch(/^traced without CONCURRENTLY .*SHARE UPDATE EXCLUSIVE/);
    expect(s!.created).toEqual(['users_email_idx']);
  });

  it('skips VACUUM and transaction control, with the reason', async () => {
    const { statements } = await trace('BEGIN;\nALTER TABLE users ADD COLUMN x int;\nCOMMIT;\nVACUUM users;');
    expect(statements.map((s) => s.status)).toEqual(['skipped', 'ok', 'skipped', 'skipped']);
    expect(statements[3]!.notes[0]).toBe('vacuum: cannot run inside a transaction block, so it is not traced');
  });

  it('marks a lock an earlier statement already holds', async () => {
    const { statements } = await trace('ALTER TABLE users ADD COLUMN a int;\nALTER TABLE users ADD COLUMN b int;');
    expect(tableLocks(statements[1]!.locks)).toEqual({});
    expect(statements[1]!.alreadyHeld.map((l) => `${l.relation} ${l.mode}`)).toEqual(['users ACCESS EXCLUSIVE']);
  });
});

describe('trace: rewrites', () => {
  it('ALTER COLUMN TYPE int → bigint rewrites the table and its primary key index', async () => {
    const { statements } = await trace('ALTER TABLE users ALTER COLUMN id TYPE bigint;');
    expect(statements[0]!.rewrites).toEqual(expect.arrayContaining([{ relation: 'users', kind: 'table' }, { relation: 'users_pkey', kind: 'index' }]));
  });

  it('varchar(50) → varchar(100) rewrites nothing', async () => {
    const { statements } = await trace('ALTER TABLE users ALTER COLUMN email TYPE varchar(100);');
    expect(statements[0]!.status).toBe('ok');
    expect(statements[0]!.rewrites).toEqual([]);
  });

  it('ADD COLUMN with a volatile default rewrites the table; with a constant default it does not', async () => {
    const volatile = await trace('ALTER TABLE orders ADD COLUMN created timestamptz DEFAULT clock_timestamp();');
    expect(volatile.statements[0]!.rewrites.map((r) => r.relation)).toContain('orders');
    const constant = await trace("ALTER TABLE orders ADD COLUMN status text DEFAULT 'new';");
    expect(constant.statements[0]!.rewrites).toEqual([]);
  });
});

describe('trace: always rolled back', () => {
  it('leaves the database as it was, and reports the time of each statement', async () => {
    const result = await trace('ALTER TABLE users ADD COLUMN country text;\nCREATE TABLE audit (id int);\nUPDATE users SET name = NULL;');
    expect(result.rolledBack).toBe(true);
    expect(result.statements.every((s) => s.status === 'ok' && s.ms > 0)).toBe(true);
    expect(result.statements[1]!.created).toEqual(['audit']);
    expect(await columnsOf(db.current, 'users')).toEqual(['id', 'email', 'name']);
    expect((await db.current.query("SELECT to_regclass('audit') AS t")).rows[0]?.t).toBeNull();
    expect((await db.current.query('SELECT count(*)::int AS n FROM users WHERE name IS NULL')).rows[0]?.n).toBe(0);
  });

  it('stops at a failing statement and reports its error; the rest is not run', async () => {
    const { statements } = await trace('ALTER TABLE users ADD COLUMN a int;\nALTER TABLE users ALTER COLUMN missing SET NOT NULL;\nALTER TABLE users ADD COLUMN b int;');
    expect(statements.map((s) => s.status)).toEqual(['ok', 'error', 'not-run']);
    expect(statements[1]!.error).toEqual({ code: '42703', message: 'column "missing" of relation "users" does not exist' });
    expect(await columnsOf(db.current, 'users')).toEqual(['id', 'email', 'name']);
  });
});

describe('traceMigration: sequences', () => {
  it('reports the sequences the rolled-back trace moved, with the setval that sets each back', async () => {
    await db.current.query('DROP TABLE IF EXISTS tickets, notes');
    await db.current.query('CREATE TABLE tickets (id bigserial PRIMARY KEY, title text)');
    await db.current.query("INSERT INTO tickets (title) SELECT 't' || i FROM generate_series(1, 5) i");
    await db.current.query('CREATE TABLE notes (id bigserial PRIMARY KEY, body text)');
    const result = await trace("INSERT INTO tickets (title) VALUES ('a'), ('b'), ('c');\nINSERT INTO notes (body) VALUES ('first');");
    expect(result.statements.map((s) => s.status)).toEqual(['ok', 'ok']);
    expect((await db.current.query('SELECT count(*)::int AS n FROM tickets')).rows[0]).toEqual({ n: 5 });
    expect(result.sequencesMoved).toEqual([
      { sequence: 'public.notes_id_seq', before: null, after: '1', restore: "SELECT setval('public.notes_id_seq', 1, false);" },
      { sequence: 'public.tickets_id_seq', before: '5', after: '8', restore: "SELECT setval('public.tickets_id_seq', 5);" },
    ]);
    // Run, the statements leave the sequences as the trace found them: the next ids are 6 and 1.
    for (const m of result.sequencesMoved) await db.current.query(m.restore);
    expect((await db.current.query("SELECT nextval('tickets_id_seq')::int AS t, nextval('notes_id_seq')::int AS n")).rows[0]).toEqual({ t: 6, n: 1 });
  });
});
