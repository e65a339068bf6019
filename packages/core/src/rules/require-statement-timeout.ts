import { defineRule } from '../rule.js';
import { lockImpact } from '../locks.js';
import { earlierTrafficLockStatements, trafficLocks } from '../lock-risk.js';

/** Once a blocking lock is granted, the statement holds it for as long as it runs (a rewrite or a scan grows with
 *  the table). statement_timeout bounds that; reported once per migration, like require-lock-timeout. */
export default defineRule({
  id: 'require-statement-timeout',
  severity: 'warning',
  summary: 'A statement that blocks traffic on an existing table runs without statement_timeout: nothing bounds how long it holds the lock.',
  check(ctx) {
    if (ctx.state.statementTimeout) return undefined;
    const lock = trafficLocks(ctx.statement, ctx.schema)[0];
    if (!lock) return undefined;
    const unprotected = (i: number) => !ctx.states[i]!.statementTimeout;
    if (earlierTrafficLockStatements(ctx, unprotected) > 0) return undefined;
    return {
      message: `No statement_timeout before this ${lock.mode} lock on ${lock.table.sql}: nothing bounds how long the lock is held.`,
      why: `Once granted, the lock is held until the statement (and its transaction) ends. A rewrite, a validation scan or an unexpectedly slow statement on a large ${lock.table.sql} keeps blocking the application for as long as it runs; statement_timeout turns that into a failed, rolled-back migration instead of an outage.`,
      lock: lockImpact(lock.mode, lock.table.sql, 'the statement and the rest of its transaction'),
      recipe: {
        summary: 'Set statement_timeout for the blocking statements (long non-blocking steps such as CREATE INDEX CONCURRENTLY can relax it).',
        sql: ctx.state.inTransaction ? `SET LOCAL statement_timeout = '5s';` : `SET statement_timeout = '5s';`,
        versions: 'All supported versions.',
      },
    };
  },
});
