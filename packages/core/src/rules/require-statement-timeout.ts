import { defineRule, type RuleContext } from '../rule.js';
import type { ParsedStatement } from '../parse.js';
import { lockImpact } from '../locks.js';
import { earlierTrafficLockStatements, trafficLocks } from '../lock-risk.js';
import { tableWork } from '../table-work.js';

/** Once a traffic-blocking lock is granted, it is held for as long as the statement runs; statement_timeout bounds
 *  that. Only statements whose work grows with the table (a rewrite, a scan, an index build) are flagged: a
 *  catalog-only change is over as soon as it has its lock, which is require-lock-timeout's business (squawk asks for
 *  a statement_timeout before any DDL). Reported once per migration, at the first such statement. */
export default defineRule({
  id: 'require-statement-timeout',
  severity: 'warning',
  kinds: ['AlterTableStmt', 'IndexStmt', 'ReindexStmt', 'VacuumStmt', 'ClusterStmt', 'RefreshMatViewStmt'],
  summary: 'A statement that rewrites or scans an existing table under a traffic-blocking lock runs without statement_timeout: nothing bounds how long it blocks.',
  check(ctx) {
    if (ctx.state.statementTimeout) return undefined;
    const found = blockingWork(ctx, ctx.statement);
    if (!found) return undefined;
    const unprotected = (i: number) => !ctx.states[i]!.statementTimeout && blockingWork(ctx, ctx.migration.statements[i]!) !== undefined;
    if (earlierTrafficLockStatements(ctx, unprotected) > 0) return undefined;
    const later = ctx.migration.statements.filter((s) => s.index > ctx.statement.index && unprotected(s.index)).length;
    const { lock, does } = found;
    const impact = lockImpact(lock.mode, lock.table.sql, "the whole statement, which grows with the table's size, then the rest of its transaction");
    return {
      message: `No statement_timeout before this statement, which ${does} under ${lock.mode}${later ? ` (and ${later} later statement${later > 1 ? 's' : ''})` : ''}: nothing bounds how long it blocks ${impact.blocks}.`,
      why: `Once granted, the ${lock.mode} lock on ${lock.table.sql} is held until the transaction ends, and this statement ${does}: minutes on a large table, during which the application waits. statement_timeout cancels the statement and rolls its transaction back when the limit is reached: a failed migration to redo the safe way, instead of an outage.`,
      lock: impact,
      recipe: {
        summary: 'Set statement_timeout first (pgsafe run sets it for you); if the statement hits it, the table is too big for this form: use the safe form the other findings give.',
        sql: ctx.state.inTransaction ? `SET LOCAL statement_timeout = '5s';` : `SET statement_timeout = '5s';`,
        versions: 'statement_timeout: all supported versions. It bounds each statement, not the transaction; PG 17+ also has transaction_timeout.',
      },
    };
  },
});

/** The statement's traffic-blocking lock on an existing table and the work that grows with that table. */
function blockingWork(ctx: RuleContext, stmt: ParsedStatement) {
  const work = tableWork(stmt, ctx.schema, ctx.options.pgVersion);
  const locks = work ? trafficLocks(stmt, ctx.schema) : [];
  const lock = locks.find((l) => l.table.key === work?.table.key) ?? locks[0];
  return work && lock ? { lock, does: work.does } : undefined;
}
