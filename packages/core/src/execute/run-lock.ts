/**
 * One run per database: the migration session holds a session-level advisory lock for the whole run, and a second
 * run waits for it (naming the holder) or gives up after `waitMs`. A run also marks itself alive with a second lock
 * held by its monitor connection: a killed pgsafe's idle monitor session ends at once, but its migration session
 * goes on with the statement it was running (a CREATE INDEX CONCURRENTLY can take hours) and keeps the run lock. A
 * holder without its alive-mark is such an orphan: it is cancelled, so that the new run can clean up after it.
 */
import { session, SESSION_COLUMNS, type Queryable, type SessionRow } from './catalog.js';
import type { BlockingSession } from './types.js';

/** pg_advisory_lock(int4, int4) keys: 'pgsf' as an int4 for the run lock (second key 0), plus one for the
 *  alive-mark (second key: the migration session's pid). */
export const RUN_LOCK_KEY = 0x70677366;
export const ALIVE_LOCK_KEY = RUN_LOCK_KEY + 1;

export interface RunLockHolder {
  session: BlockingSession;
  /** Its run is gone (no alive-mark): an orphaned migration session. */
  orphaned: boolean;
}

/** Tries once; true when this session now holds the run lock. */
export async function tryRunLock(q: Queryable): Promise<boolean> {
  const { rows } = await q.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(${RUN_LOCK_KEY}, 0) AS ok`);
  return rows[0]!.ok;
}

/** Marks the run with migration session `pid` as alive, from the session that will outlive it only if pgsafe does. */
export async function markAlive(q: Queryable, pid: number): Promise<void> {
  await q.query('SELECT pg_advisory_lock($1, $2)', [ALIVE_LOCK_KEY, pid]);
}

export async function releaseRunLock(q: Queryable): Promise<void> {
  await q.query(`SELECT pg_advisory_unlock(${RUN_LOCK_KEY}, 0)`);
}

/** Who holds the run lock in this database (undefined: nobody, it was just released). */
export async function runLockHolder(q: Queryable): Promise<RunLockHolder | undefined> {
  const { rows } = await q.query<SessionRow & { alive: boolean }>(
    `SELECT ${SESSION_COLUMNS},
            EXISTS (SELECT 1 FROM pg_locks m
                     WHERE m.locktype = 'advisory' AND m.granted AND m.database = l.database
                       AND m.classid = ${ALIVE_LOCK_KEY}::oid AND m.objid = a.pid::oid AND m.objsubid = 2) AS alive
       FROM pg_locks l
       JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND l.classid = ${RUN_LOCK_KEY}::oid AND l.objid = 0 AND l.objsubid = 2`,
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    session: session(row),
    // Only a pgsafe session is ever judged orphaned: another program using the same key is waited for.
    orphaned: !row.alive && row.state === 'active' && (row.application_name ?? '').startsWith('pgsafe'),
  };
}

/** Cancels an orphaned session's statement, then terminates it if it lingers: its client is gone, so the cancel
 *  ends it (the error cannot be delivered). Resolves once it has ended or after `timeoutMs`. */
export async function endOrphan(q: Queryable, pid: number, timeoutMs = 10_000): Promise<boolean> {
  await q.query('SELECT pg_cancel_backend($1)', [pid]);
  const start = performance.now();
  for (let terminated = false; ; ) {
    const { rows } = await q.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid]);
    if (rows.length === 0) return true;
    const waited = performance.now() - start;
    if (waited > timeoutMs) return false;
    if (!terminated && waited > timeoutMs / 4) {
      terminated = true;
      await q.query('SELECT pg_terminate_backend($1)', [pid]);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
