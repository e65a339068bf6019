/** The executor under faults, on real PostgreSQL: an orphaned build of a killed run, two runs at once, an existing
 *  index of another definition, a connection lost during a build. Each asserts what the database holds afterwards
 *  and what the run reported. */
import { beforeAll, describe, expect, it } from 'vitest';
import { holdLock, openSession, seedRows, useTestDatabase, waitUntilWaitingOnLock } from '@pgsafe/testing';
import { loadParser, parseMigration } from '../parse.js';
import { plan } from '../plan/plan.js';
import { execute, type ExecuteOptions } from './execute.js';
import { RUN_LOCK_KEY } from './run-lock.js';
import type { ExecuteEvent } from './types.js';

const db = useTestDatabase('exec_faults');

async function run(sql: string, options: Partial<ExecuteOptions> = {}) {
  const events: ExecuteEvent[] = [];
  const result = await execute(plan(parseMigration(sql, 'migration.sql'), { pgVersion: 15 }), {
    connectionString: db.current.url,
    ...options,
    policy: { monitorIntervalMs: 20, ...options.policy },
    onEvent: (e) => {
      events.push(e);
      options.onEvent?.(e);
    },
  });
  return { result, events };
}

async function indexState(name: string): Promise<string> {
  const { rows } = await db.current.query<{ valid: boolean; def: string }>(
    'SELECT i.indisvalid AS valid, pg_get_indexdef(i.indexrelid) AS def FROM pg_index i WHERE i.indexrelid = to_regclass($1)',
    [name],
  );
  return rows[0] ? `${rows[0].valid ? 'valid' : 'INVALID'}: ${rows[0].def}` : 'missing';
}

/** pgsafe's sessions still open, after giving closed ones a moment to leave pg_stat_activity (a backend ends just
 *  after its client has disconnected). */
async function pgsafeSessions(): Promise<string[]> {
  let names: string[] = [];
  for (let i = 0; i < 100; i++) {
    const { rows } = await db.current.query<{ name: string }>(`SELECT application_name AS name FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'pgsafe%' AND application_name NOT LIKE 'pgsafe-test%'`);
    names = rows.map((r) => r.name);
    if (names.length === 0) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return names;
}

beforeAll(async () => {
  await loadParser();
  await db.current.query('CREATE TABLE orders (id int PRIMARY KEY, customer int NOT NULL, ref text NOT NULL)');
  await seedRows(db.current, 'orders', 20_000, { id: 'i', customer: 'i % 500', ref: "'r' || i" });
});

describe('execute under faults', () => {
  it('cancels the orphaned build of a killed run that still holds the run lock, drops its INVALID index and builds it VALID', async () => {
    // What a SIGKILLed pgsafe leaves: its migration session (application_name pgsafe, the run lock, no alive-mark
    // since its monitor session ended with the process) still running CREATE INDEX CONCURRENTLY, here waiting for
    // a writer's transaction.
    const writer = await holdLock(db.current.url, ['UPDATE orders SET ref = ref WHERE id = 1'], 'app-writer');
    const orphan = await openSession(db.current.url, 'pgsafe');
    await orphan.query(`SELECT pg_advisory_lock(${RUN_LOCK_KEY}, 0)`);
    const orphanBuild = orphan.query('CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer_idx ON orders (customer)').catch((e: Error) => e);
    const orphanPid = (await waitUntilWaitingOnLock(db.current.url, 'pgsafe')).pid;
    expect(await indexState('orders_customer_idx')).toMatch(/^INVALID/);

    const running = run('CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer);');
    // The writer commits once the rerun has taken over (its DROP and build wait for the writer too).
    for (let i = 0; i < 1000 && (await db.current.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [orphanPid])).rows.length; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    await writer.release();
    const { result, events } = await running;
    await orphanBuild;
    await orphan.end().catch(() => {});

    expect(result.status).toBe('completed');
    expect(events.find((e) => e.type === 'lock-wait')).toMatchObject({ orphaned: true, holder: { pid: orphanPid, applicationName: 'pgsafe' } });
    expect(events.filter((e) => e.type === 'invalid-index-dropped').map((e) => e.type === 'invalid-index-dropped' && e.index)).toEqual(['public.orders_customer_idx']);
    expect(result.skipped).toEqual([]);
    expect(await indexState('orders_customer_idx')).toBe('valid: CREATE INDEX orders_customer_idx ON public.orders USING btree (customer)');
  });

  it('a second run waits for the first (naming it), or gives up after lockWaitMs having run nothing', async () => {
    await db.current.query('CREATE TABLE counters (id int PRIMARY KEY, n int NOT NULL)');
    await db.current.query('INSERT INTO counters VALUES (1, 0)');
    const writer = await holdLock(db.current.url, ['UPDATE orders SET ref = ref WHERE id = 2'], 'app-writer');
    const sql = 'UPDATE counters SET n = n + 1;\nCREATE INDEX CONCURRENTLY orders_ref_idx ON orders (ref);';
    const first = run(sql, { applicationName: 'pgsafe-first' });
    const firstPid = (await waitUntilWaitingOnLock(db.current.url, 'pgsafe-first')).pid;

    const impatient = await run('UPDATE counters SET n = n + 100;', { lockWaitMs: 300 });
    expect(impatient.result.status).toBe('failed');
    expect(impatient.result.error).toMatchObject({ kind: 'locked', step: 0 });
    expect(impatient.result.error!.message).toContain(`pid ${firstPid}`);
    expect(impatient.result.error!.message).toContain('app "pgsafe-first"');
    expect(impatient.result.steps.map((s) => s.status)).toEqual(['not-run']);

    const patient = run('UPDATE counters SET n = n * 10;', { applicationName: 'pgsafe-second' });
    await new Promise((r) => setTimeout(r, 300));
    await writer.release();
    const [a, b] = await Promise.all([first, patient]);
    expect(a.result.status).toBe('completed');
    expect(b.result.status).toBe('completed');
    expect(b.events.find((e) => e.type === 'lock-wait')).toMatchObject({ orphaned: false, holder: { pid: firstPid } });
    // One after the other: (0 + 1) * 10, never interleaved, never the impatient run's +100.
    expect((await db.current.query('SELECT n FROM counters')).rows[0]).toEqual({ n: 10 });
    expect(await indexState('orders_ref_idx')).toMatch(/^valid/);
  });

  it('never lets IF NOT EXISTS skip an existing index of another definition; the same definition is skipped and reported', async () => {
    await db.current.query('CREATE INDEX orders_lookup_idx ON orders (ref)');
    const other = await run("CREATE INDEX CONCURRENTLY orders_lookup_idx ON orders (customer) WHERE ref <> 'x';\nALTER TABLE orders ADD COLUMN never int;");
    expect(other.result.status).toBe('failed');
    expect(other.result.error).toMatchObject({ kind: 'index', step: 1, statement: { line: 1 } });
    expect(other.result.error!.message).toContain('already exists with another definition (CREATE INDEX orders_lookup_idx ON public.orders USING btree (ref))');
    expect(other.result.steps.map((s) => s.status)).toEqual(['failed', 'not-run']);
    expect(await indexState('orders_lookup_idx')).toBe('valid: CREATE INDEX orders_lookup_idx ON public.orders USING btree (ref)');

    // PostgreSQL's own normal form decides "same": casts and parentheses it adds do not count.
    await db.current.query("CREATE INDEX orders_partial_idx ON orders (lower(ref)) WHERE ref <> 'x'");
    const same = await run("CREATE INDEX CONCURRENTLY orders_partial_idx ON orders (LOWER(ref)) WHERE (ref != 'x');");
    expect(same.result.status).toBe('completed');
    expect(same.result.skipped).toEqual([{ step: 1, statement: 0, line: 1, message: 'relation "orders_partial_idx" already exists, skipping' }]);
  });

  it('a connection lost during a build: the real cause is reported and the INVALID index is dropped on another connection', async () => {
    const writer = await holdLock(db.current.url, ['UPDATE orders SET ref = ref WHERE id = 3'], 'app-writer');
    const running = run('CREATE INDEX CONCURRENTLY orders_id_ref_idx ON orders (id, ref);', { applicationName: 'pgsafe-doomed' });
    const { pid } = await waitUntilWaitingOnLock(db.current.url, 'pgsafe-doomed');
    await db.current.query('SELECT pg_terminate_backend($1)', [pid]);
    await writer.release();
    const { result, events } = await running;
    expect(result.status).toBe('failed');
    expect(result.error?.kind).toBe('connection');
    expect(result.error!.message).toContain('terminating connection due to administrator command');
    expect(events.some((e) => e.type === 'invalid-index-dropped')).toBe(true);
    expect(await indexState('orders_id_ref_idx')).toBe('missing');
    expect(await pgsafeSessions()).toEqual([]);
  });
});
