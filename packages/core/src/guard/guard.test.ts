/** The guard on a real connection, as an adapter uses it: statements refused before they are sent, savepoint
 *  retries inside the ORM's transaction while a real second session holds a lock, and autocommit statements that
 *  leave the session's own timeouts as they were. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { columnsOf, holdLock, seedRows, steadyQueries, useTestDatabase } from '@pgsafe/testing';
import { MigrationGuard } from './guard.js';
import { OUTSIDE_TRANSACTION } from './types.js';
import { UnsafeMigrationError } from './unsafe-migration-error.js';
import type { GuardEvent, GuardSession } from './types.js';

const db = useTestDatabase('guard');
let client: pg.Client;
let events: GuardEvent[];

// Retries alone (pre-flight, which would wait for the blocker before the first attempt, is tested on its own).
const fastRetries = { lockTimeoutRamp: [1], baseDelayMs: 50, maxDelayMs: 100, jitter: 0, preflight: { mode: 'off' as const } };

function guard(run: Record<string, unknown> = {}) {
  return new MigrationGuard({
    config: { run: { lockTimeout: '200ms', retryBudget: '10s', ...run } },
    hints: { 'ban-concurrent-index-creation-in-transaction': 'run this migration outside a transaction', [OUTSIDE_TRANSACTION]: 'a migration of its own, outside the transaction' },
    policy: fastRetries,
    onEvent: (e) => events.push(e),
  });
}

function session(inTransaction: boolean): GuardSession {
  return { inTransaction, query: (sql, params) => client.query(sql, params) };
}

/** What an adapter does for each statement: the guard, then the ORM's own query on the same connection. */
function send(g: MigrationGuard, sql: string, inTransaction: boolean) {
  return g.execute(sql, session(inTransaction), () => client.query(sql));
}

const columns = (table: string) => columnsOf(db.current, table);

beforeEach(async () => {
  events = [];
  await db.current.query('DROP TABLE IF EXISTS users, audit, audit_item CASCADE');
  await db.current.query('CREATE TABLE users (id int PRIMARY KEY, email text)');
  await seedRows(db.current, 'users', 5_000, { id: 'i', email: "'u' || i || '@example.com'" });
  client = await db.current.connect({ applicationName: 'orm' });
});

afterEach(async () => {
  await client.end();
});

describe('MigrationGuard: refusing', () => {
  it('refuses an error-level statement before sending it, with the rule, the migration and the recipe, and the transaction stays usable', async () => {
    const g = guard();
    g.beginMigration('20240101_add_country', { file: 'migrations/20240101_add_country.js' });
    await client.query('BEGIN');
    await send(g, 'ALTER TABLE users ADD COLUMN nickname text', true);
    const error = await send(g, 'ALTER TABLE users ADD COLUMN country text NOT NULL', true).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsafeMigrationError);
    const unsafe = error as UnsafeMigrationError;
    expect(unsafe.findings.map((f) => f.rule)).toEqual(['adding-required-field']);
    expect(unsafe.migration).toEqual({ name: '20240101_add_country', file: 'migrations/20240101_add_country.js' });
    expect(unsafe.message).toContain('pgsafe blocked migration 20240101_add_country (migrations/20240101_add_country.js): 1 error');
    expect(unsafe.message).toContain('ADD COLUMN country text NOT NULL');
    expect(unsafe.message).toMatch(/recipe|fix/i);
    // Not sent: the transaction is not aborted, and the earlier statement is still there to commit.
    await client.query('COMMIT');
    expect(await columns('users')).toEqual(['id', 'email', 'nickname']);
  });

  it('judges a statement in the context of the migration: an index on a table created earlier in it is fine', async () => {
    const g = guard();
    g.beginMigration('create_audit');
    await client.query('BEGIN');
    await send(g, 'CREATE TABLE audit (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, user_id int NOT NULL)', true);
    await send(g, 'CREATE INDEX audit_user_id_idx ON audit (user_id)', true);
    await client.query('COMMIT');
    // The same index on a table that existed before: a warning with its size below the large-table threshold,
    // refused at or above it.
    g.beginMigration('index_users');
    await send(g, 'CREATE INDEX users_email_idx ON users (email)', false);
    const warning = events.find((e) => e.type === 'finding' && e.finding.rule === 'require-concurrent-index-creation');
    expect(warning?.type === 'finding' && warning.finding.severity).toBe('warning');
    expect(warning?.type === 'finding' && warning.finding.live?.map((x) => x.text)).toEqual(['users has 5,000 rows (exact count): below the large-table threshold of 100,000 rows (run.largeTableRows), so a warning']);
    const strict = guard({ largeTableRows: 1000 });
    strict.beginMigration('index_users_again');
    const error = await send(strict, 'CREATE INDEX users_email2_idx ON users (email)', false).catch((e: unknown) => e);
    expect((error as UnsafeMigrationError).findings.map((f) => f.rule)).toEqual(['require-concurrent-index-creation']);
    expect((error as UnsafeMigrationError).findings[0]?.live?.[0]?.text).toBe('users has 5,000 rows (exact count): at or above the large-table threshold of 1,000 rows (run.largeTableRows)');
  });

  it("adds the adapter's hint when a statement cannot run in the ORM's transaction", async () => {
    const g = guard();
    g.beginMigration('concurrent');
    await client.query('BEGIN');
    const error = (await send(g, 'CREATE INDEX CONCURRENTLY users_email_idx ON users (email)', true).catch((e: unknown) => e)) as UnsafeMigrationError;
    await client.query('ROLLBACK');
    expect(error.findings.map((f) => f.rule)).toContain('ban-concurrent-index-creation-in-transaction');
    expect(error.message).toContain('hint: run this migration outside a transaction');
  });

  it("never suggests COMMIT inside the ORM's transaction: the recipe's transaction control is taken out, the ORM's way out is given", async () => {
    const g = guard();
    g.beginMigration('concurrent');
    await client.query('BEGIN');
    const error = (await send(g, 'CREATE INDEX CONCURRENTLY users_email_idx ON users (email)', true).catch((e: unknown) => e)) as UnsafeMigrationError;
    await client.query('ROLLBACK');
    const recipe = error.findings.find((f) => f.rule === 'ban-concurrent-index-creation-in-transaction')!.recipe;
    expect(recipe.sql).not.toMatch(/^\s*COMMIT/im);
    expect(recipe.sql).toContain('CREATE INDEX CONCURRENTLY users_email_idx ON users (email)');
    expect(error.message).toContain('hint: a migration of its own, outside the transaction');
    expect(error.message).not.toMatch(/│ COMMIT/);
  });

  it('only reports error-level findings when the migration is not enforced (a rollback)', async () => {
    const g = guard();
    g.beginMigration('20240101_create_audit', { enforce: false });
    await send(g, 'DROP TABLE users', false);
    expect(events.filter((e) => e.type === 'finding').map((e) => e.type === 'finding' && [e.finding.rule, e.finding.severity])).toEqual([['ban-drop-table', 'error']]);
    const { rows } = await db.current.query("SELECT to_regclass('users') AS t");
    expect(rows[0]!.t).toBeNull();
  });

  it('refuses SQL that does not parse, naming the migration and the position', async () => {
    const g = guard();
    g.beginMigration('typo');
    await expect(send(g, 'ALTER TABLE users ADD COLUM x int', false)).rejects.toThrow(/could not parse a statement of migration typo.*1:/s);
  });
});

describe('MigrationGuard: running under timeouts', () => {
  it('retries inside the transaction from a savepoint while a long transaction holds the table, keeping earlier statements, and the app never waits longer than lock_timeout', async () => {
    const g = guard();
    g.beginMigration('add_note');
    await client.query('BEGIN');
    await send(g, 'CREATE TABLE audit (id int)', true);
    const blocker = await holdLock(db.current.url, ['SELECT count(*) FROM users'], 'report');
    const app = await steadyQueries(db.current.url, () => `SELECT email FROM users WHERE id = ${1 + Math.floor(Math.random() * 5000)}`, { applicationName: 'app', pauseMs: 5 });
    const release = setTimeout(() => void blocker.release(), 1200);
    await send(g, 'ALTER TABLE users ADD COLUMN note text', true);
    clearTimeout(release);
    await client.query('COMMIT');
    await blocker.release();
    const seen = await app.stop();

    const retries = events.filter((e) => e.type === 'retry');
    expect(retries.length).toBeGreaterThanOrEqual(2);
    expect(retries.every((e) => e.type === 'retry' && e.code === '55P03' && e.lockTimeoutMs === 200)).toBe(true);
    expect(await columns('users')).toEqual(['id', 'email', 'note']);
    expect(await columns('audit')).toEqual(['id']);
    expect(seen.errors).toEqual([]);
    // Queued behind the waiting ALTER for at most one lock_timeout (plus scheduling slack), never the 1.2 s blocker.
    expect(seen.max).toBeLessThan(200 + 250);
  });

  it('gives up after the retries with the database error and SQLSTATE, and the transaction can still roll back cleanly', async () => {
    const g = guard({ retries: 2 });
    g.beginMigration('add_note');
    await client.query('BEGIN');
    const blocker = await holdLock(db.current.url, ['SELECT count(*) FROM users'], 'report');
    const error = (await send(g, 'ALTER TABLE users ADD COLUMN note text', true).catch((e: unknown) => e)) as Error & { code?: string };
    await blocker.release();
    await client.query('ROLLBACK');
    expect(error.code).toBe('55P03');
    expect(error.message).toMatch(/^pgsafe gave up on this statement of migration add_note after 3 attempts \(lock_timeout up to 200ms; blocked by pid \d+ \(idle in transaction for [\d.]+(?:ms|s|min), transaction [\d.]+(?:ms|s|min), holds ACCESS SHARE on users, app "report"\): SELECT count\(\*\) FROM users\)/);
    expect(events.filter((e) => e.type === 'retry')).toHaveLength(2);
    expect(await columns('users')).toEqual(['id', 'email']);
  });

  it('pre-flight (abort): does not send a statement a long transaction would block, and names it', async () => {
    const g = new MigrationGuard({ config: { run: { lockTimeout: '200ms' } }, onEvent: (e) => events.push(e), policy: { ...fastRetries, preflight: { mode: 'abort' } } });
    g.beginMigration('add_note');
    const blocker = await holdLock(db.current.url, ['SELECT count(*) FROM users'], 'report');
    await new Promise((resolve) => setTimeout(resolve, 300)); // idle in transaction for longer than 200 ms
    let sent = false;
    const error = (await g
      .execute('ALTER TABLE users ADD COLUMN note text', session(false), async () => {
        sent = true;
      })
      .catch((e: unknown) => e)) as Error;
    await blocker.release();
    expect(error.name).toBe('PreflightError');
    expect(error.message).toMatch(/^pgsafe did not send this statement of migration add_note: pid \d+ \(idle in transaction .*app "report"\): SELECT count\(\*\) FROM users would block its lock on users/);
    expect(sent).toBe(false);
    expect(events.filter((e) => e.type === 'preflight').map((e) => e.type === 'preflight' && e.action)).toEqual(['abort']);
  });

  it("runs an autocommit statement under the plan's timeouts and restores the session's own settings afterwards", async () => {
    await client.query("SET lock_timeout = '7s'");
    await client.query("SET statement_timeout = '42s'");
    const g = guard({ statementTimeout: '5s' });
    g.beginMigration('index_email');
    const seen: string[] = [];
    await g.execute('CREATE INDEX CONCURRENTLY users_email_idx ON users (email)', session(false), async () => {
      seen.push(((await client.query("SELECT current_setting('statement_timeout') AS s")).rows[0] as { s: string }).s);
      return client.query('CREATE INDEX CONCURRENTLY users_email_idx ON users (email)');
    });
    const { rows } = await client.query("SELECT current_setting('lock_timeout') AS lock, current_setting('statement_timeout') AS statement");
    expect(rows[0]).toEqual({ lock: '7s', statement: '42s' });
    // A concurrent build blocks no traffic: it runs with the long (here: no) statement_timeout, not the 5 s one.
    expect(seen).toEqual(['0']);
    const valid = await db.current.query<{ indisvalid: boolean }>("SELECT indisvalid FROM pg_index WHERE indexrelid = 'users_email_idx'::regclass");
    expect(valid.rows[0]!.indisvalid).toBe(true);
  });

  it('reports warning-level findings as events and runs the statement', async () => {
    const g = guard();
    g.beginMigration('add_bio');
    await send(g, 'ALTER TABLE users ADD COLUMN bio timestamp DEFAULT now()', false);
    const findings = events.filter((e) => e.type === 'finding');
    expect(findings.map((e) => e.type === 'finding' && [e.finding.rule, e.finding.severity])).toEqual([['prefer-timestamp-tz', 'warning']]);
    expect(await columns('users')).toEqual(['id', 'email', 'bio']);
  });
});

describe('MigrationGuard: round trips', () => {
  /** The guard's own queries, as the database received them. */
  function logged(): { session: GuardSession; sent: string[] } {
    const sent: string[] = [];
    return { sent, session: { inTransaction: true, query: (sql, params) => (sent.push(sql), client.query(sql, params)) } };
  }

  it('sends the savepoint and both timeouts in one query; statements on a table this transaction created go without them, under the timeouts still in force', async () => {
    const g = guard();
    const { session: s, sent } = logged();
    g.beginMigration('audit');
    await client.query('BEGIN');
    const run = (sql: string) => g.execute(sql, s, () => client.query(sql));
    await run('CREATE TABLE audit (id int PRIMARY KEY, user_id int, note text)');
    const afterCreate = sent.length;
    await run('ALTER TABLE audit ADD COLUMN at timestamptz');
    await run('CREATE INDEX audit_user_idx ON audit (user_id)');
    await run("INSERT INTO audit (id, user_id, note) VALUES (1, 1, 'a')");
    await run("UPDATE audit SET note = 'b' WHERE id = 1");
    await run("COMMENT ON TABLE audit IS 'who did what'");
    await run("COMMENT ON COLUMN public.audit.note IS 'free text'");
    // None of the six could wait for another session's lock: no savepoint, no SET, no extra round trip.
    expect(sent.slice(afterCreate)).toEqual([]);
    expect((await client.query("SELECT current_setting('lock_timeout') AS lock")).rows).toEqual([{ lock: '200ms' }]);
    // Reading another table can wait: guarded again.
    await run('INSERT INTO audit (id, user_id) SELECT id + 1, id FROM users WHERE id < 10');
    expect(sent.slice(afterCreate).filter((q) => q.startsWith('SAVEPOINT'))).toEqual(["SAVEPOINT pgsafe_statement; SET LOCAL lock_timeout = '200ms'; SET LOCAL statement_timeout = '60000ms'"]);
    // A table whose foreign key names only a table of this transaction: nothing to wait for either.
    const beforeItems = sent.length;
    await run('CREATE TABLE audit_item (id int PRIMARY KEY, audit_id int REFERENCES audit (id))');
    expect(sent.slice(beforeItems)).toEqual([]);
    // IF NOT EXISTS found users there (in use): it created nothing, and an ALTER of users is guarded as ever.
    await run('CREATE TABLE IF NOT EXISTS users (id int)');
    const beforeAlter = sent.length;
    await run('ALTER TABLE users ADD COLUMN nickname text');
    expect(sent.slice(beforeAlter).filter((q) => q.startsWith('SAVEPOINT'))).toHaveLength(1);
    // A comment on a table the application uses locks it: guarded.
    const beforeComment = sent.length;
    await run("COMMENT ON COLUMN users.email IS 'login'");
    expect(sent.slice(beforeComment).filter((q) => q.startsWith('SAVEPOINT'))).toHaveLength(1);
    await client.query('COMMIT');
    const comments = await db.current.query("SELECT obj_description('audit'::regclass, 'pg_class') AS t, col_description('audit'::regclass, 3) AS c, col_description('users'::regclass, 2) AS u");
    expect(comments.rows).toEqual([{ t: 'who did what', c: 'free text', u: 'login' }]);
    expect((await db.current.query('SELECT count(*)::int AS n FROM audit')).rows).toEqual([{ n: 10 }]);
    expect(await columns('users')).toEqual(['id', 'email', 'nickname']);
    expect(await columns('audit')).toEqual(['id', 'user_id', 'note', 'at']);
  });
});
