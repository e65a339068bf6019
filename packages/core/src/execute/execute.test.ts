/** The executor against real PostgreSQL, with real concurrent sessions: what the application sees while a
 *  migration waits for its lock, retries, pre-flight, and all-or-nothing transactional steps. */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { columnsOf, holdLock, seedRows, steadyQueries, useTestDatabase } from '@pgsafe/testing';
import { loadParser, parseMigration } from '../parse.js';
import { plan } from '../plan/plan.js';
import type { PlanOptions } from '../plan/types.js';
import { execute, type ExecuteOptions } from './execute.js';
import type { ExecuteEvent } from './types.js';

const db = useTestDatabase('execute');

function planOf(sql: string, options: PlanOptions = {}) {
  return plan(parseMigration(sql, 'migration.sql'), { pgVersion: 15, ...options });
}

async function run(sql: string, planOptions: PlanOptions = {}, options: Partial<ExecuteOptions> = {}) {
  const events: ExecuteEvent[] = [];
  const result = await execute(planOf(sql, planOptions), {
    connectionString: db.current.url,
    ...options,
    policy: { monitorIntervalMs: 30, ...options.policy },
    onEvent: (e) => events.push(e),
  });
  return { result, events };
}

const columns = (table: string) => columnsOf(db.current, table);

beforeAll(async () => {
  await loadParser();
});

beforeEach(async () => {
  await db.current.query('DROP TABLE IF EXISTS items, audit CASCADE');
  await db.current.query('CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL)');
  await seedRows(db.current, 'items', 20_000, { id: 'i', name: "'item ' || i" });
});

describe('execute: lock waits', () => {
  it('keeps application queries under lock_timeout while a long transaction blocks the ALTER, and retries until it ends', async () => {
    const lockTimeout = 300;
    const blocker = await holdLock(db.current.url, ['SELECT count(*) FROM items'], 'report');
    const app = await steadyQueries(db.current.url, () => `SELECT name FROM items WHERE id = ${1 + Math.floor(Math.random() * 20_000)}`, { applicationName: 'app', pauseMs: 5 });
    const release = setTimeout(() => void blocker.release().catch(() => {}), 1500);
    const { result, events } = await run('ALTER TABLE items ADD COLUMN note text;', { lockTimeout, retryBudget: '10s' }, { policy: { preflight: { mode: 'off' } } });
    clearTimeout(release);
    await blocker.release();
    const seen = await app.stop();

    expect(result.status).toBe('completed');
    expect(result.error).toBeUndefined();
    // Measured from the application's own session: never stuck behind the waiting ALTER longer than lock_timeout.
    expect(seen.errors).toEqual([]);
    expect(seen.count).toBeGreaterThan(20);
    expect(seen.max).toBeLessThan(lockTimeout + 150);
    // Each failed attempt was rolled back, logged with the blocking session, and retried.
    const retries = events.filter((e) => e.type === 'retry');
    expect(retries.length).toBeGreaterThanOrEqual(2);
    for (const r of retries) {
      expect(r.code).toBe('55P03');
      expect(r.blockers.map((b) => b.pid)).toContain(blocker.pid);
    }
    const named = retries.flatMap((r) => r.blockers).find((b) => b.pid === blocker.pid)!;
    expect(named.applicationName).toBe('report');
    expect(named.state).toBe('idle in transaction');
    expect(named.query).toBe('SELECT count(*) FROM items');
    expect(named.xactAgeMs).toBeGreaterThan(0);
    // The schedule: every attempt short (a tenth, then a quarter of the step's lock_timeout, 50 ms at least), the
    // wait between attempts growing instead.
    const attempts = result.steps[0]!.attempts;
    expect(attempts.map((a) => a.lockTimeoutMs).slice(0, 3)).toEqual([50, 50, 75]);
    expect(Math.max(...attempts.map((a) => a.lockTimeoutMs))).toBeLessThanOrEqual(lockTimeout / 4);
    const delays = attempts.flatMap((a) => (a.delayMs === undefined ? [] : [a.delayMs]));
    expect(delays.length).toBeGreaterThanOrEqual(2);
    expect(attempts.at(-1)!.outcome).toBe('committed');
    expect(await columns('items')).toEqual(['id', 'name', 'note']);
  });

  it('names the blocker while the statement waits (monitor connection), before the lock timeout', async () => {
    const blocker = await holdLock(db.current.url, ['UPDATE items SET name = name WHERE id = 1'], 'writer');
    const release = setTimeout(() => void blocker.release().catch(() => {}), 700);
    // One attempt with the whole 5 s lock_timeout: the monitor names the blocker while the ALTER waits.
    const { result, events } = await run('ALTER TABLE items ADD COLUMN flag boolean;', { lockTimeout: '5s' }, { policy: { preflight: { mode: 'off' }, lockTimeoutRamp: [1] } });
    clearTimeout(release);
    await blocker.release();
    expect(result.status).toBe('completed');
    const blocked = events.find((e) => e.type === 'blocked');
    expect(blocked?.type === 'blocked' && blocked.blockers.map((b) => b.pid)).toContain(blocker.pid);
    expect(result.steps[0]!.attempts).toHaveLength(1);
  });

  it('fails with the blockers named when the retry budget runs out, and applies nothing', async () => {
    const blocker = await holdLock(db.current.url, ['SELECT 1 FROM items LIMIT 1'], 'stuck');
    try {
      const { result } = await run('ALTER TABLE items ADD COLUMN never text;', { lockTimeout: 100, retries: 3, retryBudget: '5s' }, { policy: { preflight: { mode: 'off' } } });
      expect(result.status).toBe('failed');
      expect(result.error?.kind).toBe('lock-timeout');
      expect(result.error?.code).toBe('55P03');
      expect(result.error?.message).toMatch(/gave up after 4 attempts/);
      expect(result.error?.message).toContain(`pid ${blocker.pid}`);
      expect(result.steps[0]!.attempts).toHaveLength(4);
      expect(await columns('items')).toEqual(['id', 'name']);
    } finally {
      await blocker.release('rollback');
    }
  });
});

describe('execute: pre-flight', () => {
  it('detects an idle-in-transaction session holding a lock on the table and aborts without queueing', async () => {
    const blocker = await holdLock(db.current.url, ['SELECT * FROM items WHERE id = 1'], 'forgotten');
    await new Promise((r) => setTimeout(r, 300));
    try {
      const { result, events } = await run('ALTER TABLE items ADD COLUMN x int;', {}, { policy: { preflight: { mode: 'abort' } } });
      expect(result.status).toBe('failed');
      expect(result.error?.kind).toBe('preflight');
      expect(result.steps[0]!.attempts).toHaveLength(0); // never asked for the lock
      const pre = events.find((e) => e.type === 'preflight');
      expect(pre).toMatchObject({ action: 'abort' });
      const b = pre?.type === 'preflight' ? pre.blockers[0] : undefined;
      expect(b).toMatchObject({ pid: blocker.pid, state: 'idle in transaction', applicationName: 'forgotten', lock: { mode: 'ACCESS SHARE', granted: true } });
      expect(result.error?.message).toContain(`pid ${blocker.pid} (idle in transaction`);
    } finally {
      await blocker.release();
    }
  });

  it('waits for the blocker to finish instead of joining the lock queue: the application is never blocked', async () => {
    const blocker = await holdLock(db.current.url, ['SELECT count(*) FROM items'], 'report');
    await new Promise((r) => setTimeout(r, 300));
    const app = await steadyQueries(db.current.url, 'SELECT name FROM items WHERE id = 7', { applicationName: 'app', pauseMs: 5 });
    const release = setTimeout(() => void blocker.release().catch(() => {}), 1000);
    const { result, events } = await run('ALTER TABLE items ADD COLUMN y int;', { lockTimeout: 500 });
    clearTimeout(release);
    const seen = await app.stop();
    expect(result.status).toBe('completed');
    expect(result.steps[0]!.attempts).toHaveLength(1);
    expect(result.steps[0]!.preflightWaitMs).toBeGreaterThan(500);
    expect(events.filter((e) => e.type === 'preflight').map((e) => e.type === 'preflight' && e.action)).toEqual(['wait', 'clear']);
    // Queued behind the ALTER the app would wait for the whole second the report holds its lock; half of it is the
    // margin a loaded 2-core machine needs for the app's own queries.
    expect(seen.max).toBeLessThan(500);
  });

  it('ignores short transactions and does not check tables the migration creates', async () => {
    const { result, events } = await run('CREATE TABLE audit (id int); ALTER TABLE audit ADD COLUMN at timestamptz;');
    expect(result.status).toBe('completed');
    expect(events.some((e) => e.type === 'preflight')).toBe(false);
  });
});

describe('execute: transactional steps', () => {
  it('a failing statement in a group leaves nothing of the group applied, and later steps are not run', async () => {
    const sql = [
      'ALTER TABLE items ADD COLUMN price numeric;',
      'CREATE TABLE audit (id int PRIMARY KEY);',
      "INSERT INTO audit VALUES (1), (1);", // duplicate key
      'CREATE INDEX CONCURRENTLY items_price_idx ON items (price);',
    ].join('\n');
    const { result } = await run(sql);
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ kind: 'sql', code: '23505', step: 1, statement: { index: 2, line: 3 } });
    expect(result.steps.map((s) => s.status)).toEqual(['failed', 'not-run']);
    expect(await columns('items')).toEqual(['id', 'name']);
    expect(await columns('audit')).toEqual([]);
    const { rows } = await db.current.query(`SELECT 1 FROM pg_class WHERE relname = 'items_price_idx'`);
    expect(rows).toHaveLength(0);
  });

  it('reports the failing statement with the line and column PostgreSQL points at', async () => {
    const { result } = await run('ALTER TABLE items ADD COLUMN a int;\nSELECT id,\n  nosuchcolumn FROM items;');
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ code: '42703', statement: { index: 1, line: 3, column: 3 } });
    expect(await columns('items')).toEqual(['id', 'name']);
  });

  it('is safe to run again after a partial run: IF NOT EXISTS / IF EXISTS skip what is done, and each skip is reported', async () => {
    const sql = 'ALTER TABLE items ADD COLUMN b int;\nCREATE INDEX CONCURRENTLY items_b_idx ON items (b);\nALTER TABLE items DROP COLUMN name;';
    const first = await run(sql);
    expect(first.result.status).toBe('completed');
    const again = await run(sql);
    expect(again.result.status).toBe('completed');
    expect(again.events.filter((e) => e.type === 'notice')).toEqual([]);
    expect(again.result.skipped).toEqual([
      { step: 1, statement: 0, line: 1, message: 'column "b" of relation "items" already exists, skipping' },
      { step: 2, statement: 1, line: 2, message: 'relation "items_b_idx" already exists, skipping' },
      { step: 3, statement: 2, line: 3, message: 'column "name" of relation "items" does not exist, skipping' },
    ]);
    expect(again.events.filter((e) => e.type === 'skipped')).toHaveLength(3);
  });

  it('reports a broken connection as a failure, never as completed', async () => {
    const client = await db.current.connect({ applicationName: 'pgsafe-doomed' });
    const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    const killer = setTimeout(() => void db.current.query('SELECT pg_terminate_backend($1)', [pid]), 300);
    const { result } = await run('ALTER TABLE items ADD COLUMN c int;\nSELECT pg_sleep(3);', {}, { client, connectionString: undefined });
    clearTimeout(killer);
    expect(result.status).toBe('failed');
    expect(result.error?.kind).toBe('connection');
    expect(await columns('items')).toEqual(['id', 'name']);
  });

  it('runs the timeouts the migration sets, not its SET statements', async () => {
    const { result, events } = await run("SET statement_timeout = '200ms';\nSELECT pg_sleep(1);");
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ kind: 'sql', code: '57014' });
    expect(events.find((e) => e.type === 'attempt')).toMatchObject({ statementTimeoutMs: 200 });
  });
});
