import { defineRule } from '../rule.js';
import { lockImpact } from '../locks.js';
import { releasedTrafficLocks } from '../lock-risk.js';
import { formatDuration, LONGEST_MIGRATION_LOCK_TIMEOUT_MS, parseDuration } from '../plan/duration.js';

/** The migration's own lock_timeout in ms when it is longer than a site tolerates ('1h'), else undefined. A value
 *  that is not a duration PostgreSQL would read is left to the server to refuse. */
function tooLong(value: string | undefined): number | undefined {
  // Not a number ('set by the runner'): nothing to parse (a thrown error per statement costs more than the rule).
  if (value === undefined || !/^\s*\.?\d/.test(value)) return undefined;
  try {
    const ms = parseDuration(value);
    return ms > LONGEST_MIGRATION_LOCK_TIMEOUT_MS ? ms : undefined;
  } catch {
    return undefined;
  }
}

/** Incident 2: a DDL waiting for its lock behind a long transaction makes every later query on the table queue
 *  behind it. Reported once per migration, at the first statement at risk, not statement by statement. Not for a
 *  table this release created (an earlier migration of the deploy, or one written less than 12 hours before): no
 *  running code uses it, so nothing queues. */
export default defineRule({
  id: 'require-lock-timeout',
  severity: 'error',
  summary: 'A statement that blocks traffic on an existing table runs without lock_timeout: it can stall the site in the lock queue.',
  check(ctx) {
    const long = tooLong(ctx.state.lockTimeout);
    if (ctx.state.lockTimeout && long === undefined) return undefined;
    const locks = releasedTrafficLocks(ctx.statement, ctx.schema);
    const lock = locks[0];
    if (!lock) return undefined;
    const unprotected = (i: number) => !ctx.states[i]!.lockTimeout || tooLong(ctx.states[i]!.lockTimeout) !== undefined;
    if (ctx.migration.statements.some((s) => s.index < ctx.statement.index && unprotected(s.index) && releasedTrafficLocks(s, ctx.schema).length > 0)) return undefined;
    const later = ctx.migration.statements.filter(
      (s) => s.index > ctx.statement.index && unprotected(s.index) && releasedTrafficLocks(s, ctx.schema).length > 0,
    ).length;
    const inTx = ctx.state.inTransaction;
    const impact = lockImpact(lock.mode, lock.table.sql, 'the wait for the lock, then the statement itself');
    return {
      message: `${long !== undefined ? `lock_timeout ${formatDuration(long)} (set by the migration) is too long for` : 'No lock_timeout before'} this ${lock.mode} lock on ${lock.table.sql}${later ? ` (and ${later} later statement${later > 1 ? 's' : ''})` : ''}: even while it only waits for the lock, it blocks ${impact.blocks}.`,
      why: `If any transaction is using ${lock.table.sql} (a long report, an idle-in-transaction session), this statement waits for its lock, and every query that arrives meanwhile queues behind it: the table is unusable for as long as the blocker runs. Measured on PG 15: an 8 s reporting transaction gave the app a 7.0 s stall; with lock_timeout = '500ms' the stall was 0.5 s.`,
      lock: impact,
      recipe: {
        summary: 'Set a short lock_timeout first, and retry the migration when it times out (pgsafe run retries for you).',
        sql: inTx ? `SET LOCAL lock_timeout = '2s';` : `SET lock_timeout = '2s';`,
        versions: 'lock_timeout exists in every supported PostgreSQL version (9.3+).',
      },
    };
  },
});
