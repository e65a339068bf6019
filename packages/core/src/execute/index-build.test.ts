/** Concurrent index builds through the executor on real PostgreSQL: VALID at the end, INVALID leftovers of failed
 *  or interrupted builds dropped before a retry, progress reported, and writes never stopped. */
import { beforeAll, describe, expect, it } from 'vitest';
import { holdLock, seedRows, steadyQueries, useTestDatabase, waitUntilNotWaitingOnLock, waitUntilWaitingOnLock } from '@pgsafe/testing';
import { loadParser, parseMigration } from '../parse.js';
import { plan } from '../plan/plan.js';
import type { PlanOptions } from '../plan/types.js';
import { execute, type ExecuteOptions } from './execute.js';
import type { ExecuteEvent, IndexBuildProgress } from './types.js';

const db = useTestDatabase('index_build');

async function run(sql: string, planOptions: PlanOptions = {}, options: Partial<ExecuteOptions> = {}) {
  const events: ExecuteEvent[] = [];
  const result = await execute(plan(parseMigration(sql, 'migration.sql'), { pgVersion: 15, ...planOptions }), {
    connectionString: db.current.url,
    applicationName: 'pgsafe-migration',
    ...options,
    policy: { monitorIntervalMs: 20, progressIntervalMs: 20, ...options.policy },
    onEvent: (e) => {
      events.push(e);
      options.onEvent?.(e);
    },
  });
  return { result, events };
}

async function indexState(name: string): Promise<'valid' | 'invalid' | 'missing'> {
  const { rows } = await db.current.query<{ valid: boolean }>(
    `SELECT i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = $1`,
    [name],
  );
  return rows[0] ? (rows[0].valid ? 'valid' : 'invalid') : 'missing';
}

const dropped = (events: ExecuteEvent[]) => events.flatMap((e) => (e.type === 'invalid-index-dropped' ? [e.index] : []));

beforeAll(async () => {
  await loadParser();
  await db.current.query('CREATE TABLE orders (id int PRIMARY KEY, customer int NOT NULL, ref text NOT NULL)');
  await seedRows(db.current, 'orders', 10_000, { id: 'i', customer: 'i % 500', ref: "'r' || (i % 9000)" });
  // Big enough that a build takes a few hundred ms: long enough to be watched, and killed, while it runs.
  await db.current.query('CREATE TABLE events (id bigint PRIMARY KEY, payload text NOT NULL)');
  await seedRows(db.current, 'events', 300_000, { id: 'i', payload: 'md5(i::text) || md5((i * 7)::text)' });
});

describe('execute: concurrent index builds', () => {
  it('runs a migration mixing DDL and CREATE INDEX CONCURRENTLY to the end, with the index VALID', async () => {
    const sql = [
      'ALTER TABLE orders ADD COLUMN shipped_at timestamptz;',
      'CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer);',
      "ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'new';",
    ].join('\n');
    const { result, events } = await run(sql);
    expect(result.status).toBe('completed');
    expect(result.steps.map((s) => s.status)).toEqual(['committed', 'committed', 'committed']);
    expect(events.filter((e) => e.type === 'step-start').map((e) => e.type === 'step-start' && e.kind)).toEqual([
      'transaction',
      'create-index-concurrently',
      'transaction',
    ]);
    expect(await indexState('orders_customer_idx')).toBe('valid');
  });

  it('cleans up a build killed while it runs (pg_cancel_backend from another session) and retries it', async () => {
    const progress: IndexBuildProgress[] = [];
    let cancelled = false;
    const { result, events } = await run(
      'CREATE INDEX CONCURRENTLY events_payload_idx ON events (payload);',
      {},
      {
        // An operator's cancel is not retried by default; here it is, to see the cleanup and the retry.
        policy: { retryOn: ['55P03', '40P01', '57014'], baseDelayMs: 50 },
        onEvent: (e) => {
          if (e.type !== 'progress') return;
          progress.push(e.progress);
          if (!cancelled && e.progress.phase.startsWith('building index')) {
            cancelled = true;
            void db.current.query(`SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = 'pgsafe-migration'`);
          }
        },
      },
    );
    expect(cancelled).toBe(true);
    expect(result.status).toBe('completed');
    const attempts = result.steps[0]!.attempts;
    expect(attempts.map((a) => a.outcome)).toEqual(['failed', 'committed']);
    expect(attempts[0]!.code).toBe('57014');
    expect(dropped(events)).toEqual(['public.events_payload_idx']);
    // The leftover was dropped before the retry, not after it.
    const order = events.map((e) => (e.type === 'attempt' ? `attempt ${e.attempt}` : e.type)).filter((t) => t.startsWith('attempt') || t === 'invalid-index-dropped');
    expect(order).toEqual(['attempt 1', 'invalid-index-dropped', 'attempt 2']);
    expect(await indexState('events_payload_idx')).toBe('valid');
    expect(progress.some((p) => p.blocksTotal > 0 && p.fraction !== null)).toBe(true);
  });

  it('by default stops on an operator cancel, drops the INVALID index, and a second run builds it', async () => {
    const blocker = await holdLock(db.current.url, ['UPDATE orders SET ref = ref WHERE id = 1'], 'writer');
    const running = run('CREATE INDEX CONCURRENTLY orders_ref_idx ON orders (ref);');
    // The build registered its (INVALID) index and now waits for the writer's transaction: kill it there.
    const waiting = await waitUntilWaitingOnLock(db.current.url, 'pgsafe-migration');
    await db.current.query('SELECT pg_cancel_backend($1)', [waiting.pid]);
    await blocker.release();
    const { result, events } = await running;
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ kind: 'sql', code: '57014' });
    expect(dropped(events)).toEqual(['public.orders_ref_idx']);
    expect(await indexState('orders_ref_idx')).toBe('missing');
    const again = await run('CREATE INDEX CONCURRENTLY orders_ref_idx ON orders (ref);');
    expect(again.result.status).toBe('completed');
    expect(await indexState('orders_ref_idx')).toBe('valid');
  });

  it('a unique build failing on duplicates leaves no INVALID index; once the data is fixed, running again succeeds', async () => {
    await db.current.query('CREATE TABLE accounts (id int PRIMARY KEY, email text)');
    await seedRows(db.current, 'accounts', 2000, { id: 'i', email: "'u' || i || '@example.com'" });
    await db.current.query("UPDATE accounts SET email = 'dup@example.com' WHERE id IN (10, 20)");
    const sql = 'CREATE UNIQUE INDEX CONCURRENTLY accounts_email_key ON accounts (email);';
    const first = await run(sql);
    expect(first.result.status).toBe('failed');
    expect(first.result.error).toMatchObject({ code: '23505', statement: { index: 0, line: 1 } });
    expect(dropped(first.events)).toEqual(['public.accounts_email_key']);
    expect(await indexState('accounts_email_key')).toBe('missing');

    await db.current.query("UPDATE accounts SET email = 'u20@example.com' WHERE id = 20");
    const second = await run(sql);
    expect(second.result.status).toBe('completed');
    expect(await indexState('accounts_email_key')).toBe('valid');
  });

  it('drops an INVALID index left by an earlier crashed run before building (IF NOT EXISTS would skip it)', async () => {
    await db.current.query('CREATE TABLE tags (id int PRIMARY KEY, label text)');
    await seedRows(db.current, 'tags', 100, { id: 'i', label: "'same'" });
    // What a crashed deploy leaves: an INVALID index of the migration's name.
    await db.current.query('CREATE UNIQUE INDEX CONCURRENTLY tags_label_idx ON tags (label)').catch(() => {});
    expect(await indexState('tags_label_idx')).toBe('invalid');
    const { result, events } = await run('CREATE INDEX CONCURRENTLY tags_label_idx ON tags (label);');
    expect(result.status).toBe('completed');
    expect(dropped(events)).toEqual(['public.tags_label_idx']);
    expect(await indexState('tags_label_idx')).toBe('valid');
  });

  it('with a lock_timeout on builds, a build timing out behind a long writer is cleaned up and retried until it succeeds', async () => {
    const blocker = await holdLock(db.current.url, ['UPDATE orders SET ref = ref WHERE id = 2'], 'writer');
    const release = setTimeout(() => void blocker.release().catch(() => {}), 900);
    const { result, events } = await run('CREATE INDEX CONCURRENTLY orders_id_ref_idx ON orders (id, ref);', { longLockTimeout: 200 });
    clearTimeout(release);
    await blocker.release();
    expect(result.status).toBe('completed');
    const retries = events.filter((e) => e.type === 'retry');
    expect(retries.length).toBeGreaterThanOrEqual(1);
    expect(retries[0]).toMatchObject({ code: '55P03' });
    expect(dropped(events).length).toBeGreaterThanOrEqual(1);
    expect(await indexState('orders_id_ref_idx')).toBe('valid');
  });

  it('an interrupt (AbortSignal, Ctrl-C in the CLI) cancels the build, drops its INVALID index and fails the run', async () => {
    const blocker = await holdLock(db.current.url, ['UPDATE orders SET ref = ref WHERE id = 3'], 'writer');
    const controller = new AbortController();
    const running = run('CREATE INDEX CONCURRENTLY orders_customer_ref_idx ON orders (customer, ref);\nALTER TABLE orders ADD COLUMN never int;', {}, { signal: controller.signal });
    await waitUntilWaitingOnLock(db.current.url, 'pgsafe-migration');
    controller.abort();
    // The writer ends only once the cancel has reached the build: released at once, it could let the build finish
    // first on a loaded machine (an honest 'committed', but not the interrupt this test is about).
    await waitUntilNotWaitingOnLock(db.current.url, (s) => s.applicationName === 'pgsafe-migration' && /CREATE INDEX/.test(s.query), 30_000);
    await blocker.release();
    const { result, events } = await running;
    expect(result.status).toBe('failed');
    expect(result.error?.kind).toBe('interrupted');
    expect(result.steps.map((s) => s.status)).toEqual(['failed', 'not-run']);
    expect(dropped(events)).toEqual(['public.orders_customer_ref_idx']);
    expect(await indexState('orders_customer_ref_idx')).toBe('missing');
  });

  it('keeps writes flowing during a concurrent build (max insert latency measured from the application)', async () => {
    let next = 10_000_000;
    const writer = await steadyQueries(db.current.url, () => `INSERT INTO events VALUES (${next++}, 'live')`, { applicationName: 'app-writer' });
    await new Promise((r) => setTimeout(r, 100));
    const { result, events } = await run('CREATE INDEX CONCURRENTLY events_payload_prefix_idx ON events (left(payload, 12));');
    const seen = await writer.stop();
    expect(result.status).toBe('completed');
    expect(await indexState('events_payload_prefix_idx')).toBe('valid');
    const buildMs = result.steps[0]!.ms;
    expect(seen.errors).toEqual([]);
    expect(seen.count).toBeGreaterThan(50);
    // A plain CREATE INDEX holds every insert for the whole build; here no insert waits for more than half of it
    // (250 ms at least: on a loaded 2-core machine one insert can lose its CPU for longer than that).
    expect(seen.max).toBeLessThan(Math.max(250, buildMs / 2));
    expect(events.some((e) => e.type === 'progress')).toBe(true);
  });
});
