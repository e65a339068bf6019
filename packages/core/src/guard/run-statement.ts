/**
 * One migration statement under guard rails, on the ORM's own connection.
 *
 * In the ORM's transaction: SAVEPOINT and SET LOCAL lock_timeout / statement_timeout (one round trip), the statement,
 * RELEASE. A lock
 * timeout or deadlock rolls back to the savepoint only (the migration's earlier statements stay), and the statement
 * is tried again after a back-off with an escalating lock_timeout, within the plan step's retry count and budget.
 * The earlier statements' locks stay held meanwhile: that is why each wait stays short.
 * In autocommit (a migration the ORM runs outside a transaction): SET the timeouts, the statement, then restore the
 * session's previous values (an application pool may have set its own). A failed concurrent index build leaves an
 * INVALID index: it is dropped before the next try, and after the last.
 *
 * As `pgsafe run` does: before a statement that takes a traffic-blocking lock on an existing table, pre-flight looks
 * for sessions that would make it wait (long transactions holding a conflicting lock, idle-in-transaction sessions)
 * and waits for them to finish (or gives up, `preflight: abort`) instead of queueing while the application queues
 * behind it; after a lock timeout, the sessions holding conflicting locks are named (pid, application, transaction
 * age, query) in the retry report and in the error when retries run out.
 */
import { settingLiteral } from '../plan/duration.js';
import { quoteLiteral } from '../sql.js';
import type { Step } from '../plan/types.js';
import type { TableRef } from '../ast.js';
import { attemptLockTimeout, retryDelay, type ExecutePolicy } from '../execute/policy.js';
import { cleanupTable, dropIndexConcurrently, namedLeftovers, newLeftovers } from '../execute/index-cleanup.js';
import { indexBuildChecks } from '../execute/index-build-checks.js';
import { resolveTable, type Queryable } from '../execute/catalog.js';
import { describeBlockers } from '../execute/describe.js';
import { conflictingLockers, findBlockers, type LockTarget } from '../execute/preflight.js';
import { formatDuration } from '../plan/duration.js';
import type { BlockingSession } from '../execute/types.js';
import type { GuardEvent, GuardSession, MigrationInfo } from './types.js';
import { PreflightError } from './preflight-error.js';

const SAVEPOINT = 'pgsafe_statement';

export interface RunStatementInput<T> {
  sql: string;
  session: GuardSession;
  send: () => Promise<T>;
  step: Step;
  policy: ExecutePolicy;
  migration: MigrationInfo;
  emit: (event: GuardEvent) => void;
  /** Tables this transaction created: nobody else sees them, so no session can block their locks (no pre-flight). */
  ownTables?: (key: string) => boolean;
  /** Tables no application knows yet (created earlier in this deploy): no pre-flight for them; a lock wait on them
   *  is still retried like any other. */
  unknownToApps?: (table: TableRef) => boolean;
}

export async function runStatement<T>({ sql, session, send, step, policy, migration, emit, ownTables = () => false, unknownToApps = () => false }: RunStatementInput<T>): Promise<T> {
  const q = session.query.bind(session) as unknown as Queryable['query'];
  const queryable: Queryable = { query: q } as Queryable;
  const inTx = session.inTransaction;
  const started = performance.now();
  const deadline = started + step.retry.budgetMs;
  // Concurrent index builds run in autocommit only; in a transaction there is nothing left to clean up.
  const cleanup = !inTx && step.indexCleanup ? await cleanupTable(queryable, step.indexCleanup) : undefined;
  const dropLeftovers = async (found: { oid: string; qualified: string; name: string }[]) => {
    for (const index of found) {
      const bound = Math.max(5000, Math.round(deadline - performance.now()));
      await dropIndexConcurrently(queryable, index, { lockTimeoutMs: bound, statementTimeoutMs: bound });
      emit({ type: 'invalid-index-dropped', migration, index: index.qualified });
    }
  };
  const previous = inTx ? undefined : await currentTimeouts(session);
  const tables = lockTargets(queryable, step, ownTables);
  const preflightNeeded = step.preflight && policy.preflight.mode !== 'off' && step.targets.some((t) => t.blocksTraffic && !t.newTable && !ownTables(t.table.key) && !unknownToApps(t.table));
  // As in `pgsafe run`: an orphaned or running build of the index first, the index VALID after (index-build-checks.ts).
  const checks = cleanup ? indexBuildChecks({ q: queryable, pid: await tables.pid(), step, sql, table: cleanup, deadline, pollMs: policy.preflight.pollMs * 4, emit: (e) => emit({ ...e, migration }) }) : undefined;

  for (let attempt = 1; ; attempt++) {
    if (preflightNeeded) await preflight({ queryable, tables, policy, migration, emit, deadline });
    await checks?.before();
    if (cleanup && step.indexCleanup) await dropLeftovers(await namedLeftovers(queryable, cleanup, step.indexCleanup));
    const before = cleanup ? new Set((await newLeftovers(queryable, cleanup, new Set())).map((i) => i.oid)) : undefined;
    const lockTimeoutMs = attemptLockTimeout(step, attempt, policy);
    const set = inTx ? 'SET LOCAL' : 'SET';
    try {
      // One round trip: the savepoint and both timeouts (a simple query of several statements). PostgreSQL 14+ also
      // ends an autocommit statement within a second if the ORM's process dies, instead of an orphan going on (an
      // UPDATE committing that the ORM never recorded, a build the rerun finds half done).
      const check = previous?.check !== undefined ? "; SET client_connection_check_interval = '1s'" : '';
      await session.query(`${inTx ? `SAVEPOINT ${SAVEPOINT}; ` : ''}${set} lock_timeout = ${settingLiteral(lockTimeoutMs)}; ${set} statement_timeout = ${settingLiteral(step.statementTimeoutMs)}${check}`);
      const result = await send();
      if (inTx) await session.query(`RELEASE SAVEPOINT ${SAVEPOINT}`);
      if (checks && !(await checks.after(attempt, attempt > step.retry.retries || performance.now() >= deadline))) continue;
      emit({ type: 'statement', migration, sql, ms: Math.round(performance.now() - started), attempts: attempt, lockTimeoutMs, statementTimeoutMs: step.statementTimeoutMs });
      return result;
    } catch (error) {
      if (inTx) await session.query(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}; RELEASE SAVEPOINT ${SAVEPOINT}`).catch(() => {});
      if (cleanup && before) await dropLeftovers(await newLeftovers(queryable, cleanup, before));
      const code = sqlState(error);
      const delayMs = retryDelay(attempt, policy);
      const retryable = code !== undefined && policy.retryOn.includes(code);
      // Who made the attempt wait: the sessions holding a conflicting lock on its tables right after it gave up.
      const blockers = retryable ? await tables.lockers().catch(() => []) : [];
      const by = blockers.length ? `; blocked by ${describeBlockers(blockers)}` : '';
      if (!retryable || attempt > step.retry.retries || performance.now() + delayMs >= deadline) {
        if (retryable) annotate(error, `pgsafe gave up on this statement of migration ${migration.name} after ${attempt} attempt${attempt === 1 ? '' : 's'} (lock_timeout up to ${step.lockTimeoutMs}ms${by})`);
        throw error;
      }
      emit({ type: 'retry', migration, sql, attempt, code, message: (error as Error).message, lockTimeoutMs, delayMs, blockers });
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    } finally {
      if (previous) {
        const check = previous.check !== undefined ? `; SET client_connection_check_interval = ${quoteLiteral(previous.check)}` : '';
        await session.query(`SET lock_timeout = ${quoteLiteral(previous.lock)}; SET statement_timeout = ${quoteLiteral(previous.statement)}${check}`).catch(() => {});
      }
    }
  }
}

/** The statement's tables as the database knows them, resolved once, on first use: those whose lock blocks
 *  traffic (pre-flight) and all of them (naming who held a conflicting lock after a lock timeout). */
function lockTargets(q: Queryable, step: Step, ownTables: (key: string) => boolean) {
  let resolved: Promise<{ blocking: LockTarget[]; all: LockTarget[] }> | undefined;
  let ownPid: Promise<number> | undefined;
  const targets = () =>
    (resolved ??= (async () => {
      const all: LockTarget[] = [];
      const blocking: LockTarget[] = [];
      for (const t of step.targets) {
        if (t.newTable || ownTables(t.table.key)) continue;
        const table = await resolveTable(q, t.table.sql);
        if (!table) continue;
        all.push({ ...table, mode: t.mode });
        if (t.blocksTraffic) blocking.push({ ...table, mode: t.mode });
      }
      return { blocking, all };
    })());
  const pid = () => (ownPid ??= q.query<{ pid: number }>('SELECT pg_backend_pid() AS pid').then((r) => r.rows[0]!.pid));
  return {
    targets,
    pid,
    async lockers(): Promise<BlockingSession[]> {
      return conflictingLockers(q, (await targets()).all, [await pid()]);
    },
  };
}

export { PreflightError };

interface PreflightInput {
  queryable: Queryable;
  tables: ReturnType<typeof lockTargets>;
  policy: ExecutePolicy;
  migration: MigrationInfo;
  emit: (event: GuardEvent) => void;
  deadline: number;
}

/** Waits while sessions that would block the statement's lock are around (or gives up at once, mode `abort`, or
 *  when the retry budget runs out), so that the statement never queues behind them with the application behind it. */
async function preflight({ queryable, tables, policy, migration, emit, deadline }: PreflightInput): Promise<void> {
  const { blocking } = await tables.targets();
  if (blocking.length === 0) return;
  const start = performance.now();
  let lastPids = '';
  for (;;) {
    const blockers = await findBlockers(queryable, blocking, [await tables.pid()], policy.preflight);
    const waitedMs = Math.round(performance.now() - start);
    if (blockers.length === 0) {
      if (lastPids) emit({ type: 'preflight', migration, action: 'clear', blockers: [], waitedMs });
      return;
    }
    const pids = blockers.map((b) => b.pid).join(',');
    const abort = policy.preflight.mode === 'abort';
    if (pids !== lastPids) emit({ type: 'preflight', migration, action: abort ? 'abort' : 'wait', blockers, waitedMs });
    lastPids = pids;
    const on = blocking.map((t) => t.name).join(', ');
    if (abort) throw new PreflightError(`pgsafe did not send this statement of migration ${migration.name}: ${describeBlockers(blockers)} would block its lock on ${on} (preflight: abort)`, blockers);
    if (performance.now() + policy.preflight.pollMs >= deadline) {
      throw new PreflightError(`pgsafe did not send this statement of migration ${migration.name}: still blocked after ${formatDuration(waitedMs)} by ${describeBlockers(blockers)} on ${on}`, blockers);
    }
    await new Promise((resolve) => setTimeout(resolve, policy.preflight.pollMs));
  }
}

/** The session's settings that an autocommit statement changes, to restore after it (`check`: PostgreSQL 14+). */
async function currentTimeouts(session: GuardSession): Promise<{ lock: string; statement: string; check?: string }> {
  const { rows } = await session.query(
    "SELECT current_setting('lock_timeout') AS lock, current_setting('statement_timeout') AS statement, current_setting('client_connection_check_interval', true) AS check_interval",
  );
  const row = rows[0]!;
  return { lock: String(row.lock), statement: String(row.statement), ...(row.check_interval !== null && row.check_interval !== undefined ? { check: String(row.check_interval) } : {}) };
}

/** The SQLSTATE of a database error, also when the ORM wrapped it (TypeORM's driverError, MikroORM's cause). */
export function sqlState(error: unknown): string | undefined {
  for (let e = error as { code?: unknown; driverError?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; depth++) {
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
    e = (e.driverError ?? e.cause) as typeof e;
  }
  return undefined;
}

function annotate(error: unknown, text: string): void {
  if (error instanceof Error && !error.message.startsWith('pgsafe')) error.message = `${text}: ${error.message}`;
}
