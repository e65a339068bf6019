import type { RuleContext } from './rule.js';
import type { ParsedStatement } from './parse.js';
import { locksTaken, type TableLock } from './statement-locks.js';
import { blocksTraffic } from './locks.js';
import type { SchemaModel } from './schema-model.js';
import { cachedOn } from './cached-on.js';
import { unreleasedTable } from './same-change.js';

const TRAFFIC_LOCKS = Symbol('trafficLocks');

/** The locks of `stmt` that stop application traffic on a table that already exists (so has traffic). Cached per
 *  statement (its migration's schema model is always built from the same statements): the once-per-migration rules
 *  ask this of every other statement, for every statement. */
export function trafficLocks(stmt: ParsedStatement, schema: SchemaModel): TableLock[] {
  return cachedOn(stmt, TRAFFIC_LOCKS, () => locksTaken(stmt).filter((l) => blocksTraffic(l.mode) && !schema.isNewTable(l.table, stmt.index)));
}

/** Statements before the current one that also take traffic-blocking locks, for "report once per migration" rules. */
export function earlierTrafficLockStatements(ctx: RuleContext, unsafe: (index: number) => boolean): number {
  let n = 0;
  for (const s of ctx.migration.statements) {
    if (s.index >= ctx.statement.index) break;
    if (unsafe(s.index) && trafficLocks(s, ctx.schema).length > 0) n++;
  }
  return n;
}

const RELEASED_LOCKS = Symbol('releasedTrafficLocks');

/** `trafficLocks` on the tables an earlier release already uses: a table this release created (an earlier migration
 *  of the deploy, or one written less than 12 hours before: see same-change.ts) has no application traffic to queue. */
export function releasedTrafficLocks(stmt: ParsedStatement, schema: SchemaModel): TableLock[] {
  return cachedOn(stmt, RELEASED_LOCKS, () => trafficLocks(stmt, schema).filter((l) => !unreleasedTable(schema, l.table, stmt.index)));
}
