/** Helpers for tests that assert what the application side experiences while a migration runs. */
import pg from 'pg';

async function session(url: string, applicationName: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: applicationName });
  client.on('error', () => {});
  await client.connect();
  return client;
}

export interface HeldLock {
  pid: number;
  /** Ends the transaction (COMMIT by default) and closes the session. */
  release(how?: 'commit' | 'rollback'): Promise<void>;
}

/** Opens its own session, runs BEGIN and `statements`, and keeps the transaction open until release(). */
export async function holdLock(url: string, statements: string[], applicationName = 'pgsafe-test-blocker'): Promise<HeldLock> {
  const client = await session(url, applicationName);
  const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  await client.query('BEGIN');
  for (const sql of statements) await client.query(sql);
  let released = false;
  return {
    pid,
    async release(how = 'commit') {
      if (released) return;
      released = true;
      await client.query(how === 'commit' ? 'COMMIT' : 'ROLLBACK').catch(() => {});
      await client.end().catch(() => {});
    },
  };
}

export interface Timed<R extends pg.QueryResultRow = pg.QueryResultRow> {
  /** Wall time the query took, as the application saw it. */
  ms: number;
  result?: pg.QueryResult<R>;
  error?: Error & { code?: string };
}

/** Runs one query on a fresh session and measures how long the application waited for it. */
export async function timed<R extends pg.QueryResultRow = pg.QueryResultRow>(
  url: string,
  sql: string,
  options: { applicationName?: string; setup?: string[] } = {},
): Promise<Timed<R>> {
  const client = await session(url, options.applicationName ?? 'pgsafe-test-app');
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
  blockedBy: number[];
}

/** Sessions currently waiting on a lock, with the pids blocking them. */
export async function blockedSessions(url: string): Promise<WaitingSession[]> {
  const client = await session(url, 'pgsafe-test-observer');
  try {
    const { rows } = await client.query<{ pid: number; application_name: string; query: string; blocked_by: number[] }>(
      `SELECT pid, application_name, query, pg_blocking_pids(pid) AS blocked_by
         FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    return rows.map((r) => ({ pid: r.pid, applicationName: r.application_name, query: r.query, blockedBy: r.blocked_by }));
  } finally {
    await client.end().catch(() => {});
  }
}

/** Polls until a session matching `match` (a pid, an application_name, or a predicate) waits on a lock. */
export async function waitUntilWaitingOnLock(
  url: string,
  match: number | string | ((s: WaitingSession) => boolean),
  timeoutMs = 5000,
): Promise<WaitingSession> {
  const test = typeof match === 'function' ? match : (s: WaitingSession) => (typeof match === 'number' ? s.pid === match : s.applicationName === match);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await blockedSessions(url)).find(test);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no session matching ${String(match)} waited on a lock within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Fills `table` with `n` rows in one statement (generate_series); `columns` maps column → SQL expression of `i`. */
export async function seedRows(client: pg.Client | { query: pg.Client['query'] }, table: string, n: number, columns: Record<string, string>): Promise<void> {
  const names = Object.keys(columns);
  await client.query(`INSERT INTO ${table} (${names.join(', ')}) SELECT ${names.map((c) => columns[c]).join(', ')} FROM generate_series(1, ${n}) AS i`);
}

export async function serverVersionNum(url: string): Promise<number> {
  const client = await session(url, 'pgsafe-test-version');
  try {
    return Number((await client.query<{ v: string }>("SELECT current_setting('server_version_num') AS v")).rows[0]!.v);
  } finally {
    await client.end().catch(() => {});
  }
}

export async function serverMajor(url: string): Promise<number> {
  return Math.floor((await serverVersionNum(url)) / 10000);
}
