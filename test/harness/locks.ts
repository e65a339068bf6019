/** What the application side experiences while a migration holds locks: a blocker session, a timed app query,
 *  and who is waiting on whom. */
import type pg from 'pg';
import { openSession } from './sessions.js';

export interface HeldLock {
  /** Backend pid of the session holding the transaction open. */
  pid: number;
  /** Ends the transaction (COMMIT by default) and closes the session. A failed COMMIT rejects; ROLLBACK never does. */
  release(how?: 'commit' | 'rollback'): Promise<void>;
}

/** Opens its own session, runs BEGIN and `statements`, and keeps the transaction (and its locks) open until release(). */
export async function holdLock(url: string, statements: string[], applicationName = 'pgsafe-test-blocker'): Promise<HeldLock> {
  const client = await openSession(url, applicationName);
  let pid: number;
  try {
    pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    await client.query('BEGIN');
    for (const sql of statements) await client.query(sql);
  } catch (error) {
    await client.end().catch(() => {});
    throw error;
  }
  // Later calls wait for the first one, so "release, then check" never races a release still in flight.
  let releasing: Promise<void> | undefined;
  const end = async (how: 'commit' | 'rollback') => {
    try {
      if (how === 'commit') await client.query('COMMIT');
      else await client.query('ROLLBACK').catch(() => {});
    } finally {
      await client.end().catch(() => {});
    }
  };
  return {
    pid,
    release(how = 'commit') {
      return (releasing ??= end(how));
    },
  };
}

export interface Timed<R extends pg.QueryResultRow = pg.QueryResultRow> {
  /** How long the application waited for the query, from sending it to its result or error. */
  ms: number;
  result?: pg.QueryResult<R>;
  error?: Error & { code?: string };
}

/** Runs `sql` on a fresh session (after the untimed `setup` statements, e.g. SET lock_timeout) and measures the wait.
 *  Never rejects on a query error: the error is part of what the application experienced. */
export async function timed<R extends pg.QueryResultRow = pg.QueryResultRow>(
  url: string,
  sql: string,
  options: { applicationName?: string; setup?: string[] } = {},
): Promise<Timed<R>> {
  const client = await openSession(url, options.applicationName ?? 'pgsafe-test-app');
  try {
    for (const s of options.setup ?? []) await client.query(s);
    const start = performance.now();
    try {
      const result = await client.query<R>(sql);
      return { ms: performance.now() - start, result };
    } catch (error) {
      return { ms: performance.now() - start, error: error as Error & { code?: string } };
    }
  } finally {
    await client.end().catch(() => {});
  }
}

export interface WaitingSession {
  pid: number;
  applicationName: string;
  query: string;
  /** The lock type waited for: 'relation', 'transactionid', 'tuple', ... */
  waitEvent: string;
  /** pids holding (or queued ahead for) the lock, from pg_blocking_pids. */
  blockedBy: number[];
}

const waitingSql = `SELECT pid, application_name, query, wait_event, pg_blocking_pids(pid) AS blocked_by
                      FROM pg_stat_activity
                     WHERE datname = current_database() AND wait_event_type = 'Lock'
                     ORDER BY pid`;

async function waitingOn(client: pg.ClientBase): Promise<WaitingSession[]> {
  const { rows } = await client.query<{ pid: number; application_name: string; query: string; wait_event: string; blocked_by: number[] }>(waitingSql);
  return rows.map((r) => ({ pid: r.pid, applicationName: r.application_name, query: r.query, waitEvent: r.wait_event, blockedBy: r.blocked_by }));
}

/** Sessions of the database at `url` currently waiting on a lock, with the pids blocking them. */
export async function blockedSessions(url: string): Promise<WaitingSession[]> {
  const client = await openSession(url, 'pgsafe-test-observer');
  try {
    return await waitingOn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Runs `probe` on one observer session every 10 ms until it returns a value, and returns that value. Rejects with
 *  "<what> within <timeoutMs> ms" after `timeoutMs`, or as soon as `signal` aborts. */
async function pollUntil<T>(url: string, probe: (client: pg.ClientBase) => Promise<T | undefined>, what: string, timeoutMs: number, signal?: AbortSignal): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  const client = await openSession(url, 'pgsafe-test-observer');
  try {
    for (;;) {
      const found = await probe(client);
      if (found !== undefined) return found;
      signal?.throwIfAborted();
      if (performance.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    await client.end().catch(() => {});
  }
}

type SessionMatch = number | string | ((s: WaitingSession) => boolean);

function matcher(match: SessionMatch): { test: (s: WaitingSession) => boolean; name: string } {
  if (typeof match === 'function') return { test: match, name: 'the predicate' };
  return { test: (s) => (typeof match === 'number' ? s.pid === match : s.applicationName === match), name: JSON.stringify(match) };
}

/** Polls until a session matching `match` (a pid, an application_name, or a predicate) waits on a lock, so a test
 *  knows the app query is queued before it starts the clock on the blocker. Rejects after `timeoutMs`, or as soon
 *  as `signal` aborts (the caller learnt otherwise that nobody will wait). */
export function waitUntilWaitingOnLock(url: string, match: SessionMatch, timeoutMs = 5000, signal?: AbortSignal): Promise<WaitingSession> {
  const { test, name } = matcher(match);
  return pollUntil(url, async (client) => (await waitingOn(client)).find(test), `no session matching ${name} waited on a lock`, timeoutMs, signal);
}

/** Polls until no session matching `match` waits on a lock any more (e.g. a cancel reached a build that waited). */
export function waitUntilNotWaitingOnLock(url: string, match: SessionMatch, timeoutMs = 5000): Promise<void> {
  const { test, name } = matcher(match);
  return pollUntil(url, async (client) => ((await waitingOn(client)).some(test) ? undefined : (true as const)), `a session matching ${name} still waited on a lock`, timeoutMs).then(() => {});
}

/** Polls until a session of the database at `url` is running a statement whose text matches `query` (a migration
 *  that reached a given step), so a test can act at that point instead of after a guessed delay. */
export async function waitUntilRunning(url: string, query: RegExp, timeoutMs = 5000): Promise<void> {
  const sql = "SELECT query FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()";
  await pollUntil(url, async (client) => ((await client.query<{ query: string }>(sql)).rows.some((r) => query.test(r.query)) ? (true as const) : undefined), `no session ran a statement matching ${query}`, timeoutMs);
}
