/** A concurrent index build that fails or is interrupted leaves an INVALID index behind: it slows every write
 *  (it is maintained) and makes CREATE INDEX ... IF NOT EXISTS skip the build. Find such leftovers and drop them
 *  concurrently before a retry. */
import { quoteQualified } from '../sql.js';
import { settingLiteral } from '../plan/duration.js';
import type { IndexCleanup } from '../plan/types.js';
import { invalidIndexes, resolveTable, tableOfIndex, type InvalidIndex, type Queryable, type ResolvedTable } from './catalog.js';

/** The table whose indexes to watch; undefined when it does not exist (yet). */
export async function cleanupTable(q: Queryable, cleanup: IndexCleanup): Promise<ResolvedTable | undefined> {
  if (cleanup.table) return resolveTable(q, cleanup.table.sql);
  if (cleanup.index) return tableOfIndex(q, quoteQualified(cleanup.index.schema, cleanup.index.name));
  return undefined;
}

/** INVALID indexes the step itself would have left: its named index, or a REINDEX's `_ccnew`/`_ccold` copies. */
export async function namedLeftovers(q: Queryable, table: ResolvedTable, cleanup: IndexCleanup): Promise<InvalidIndex[]> {
  const name = cleanup.index?.name;
  if (!name) return [];
  const all = await invalidIndexes(q, table.oid);
  return all.filter((i) => (cleanup.reindex ? /^_cc(new|old)\d*$/.test(i.name.slice(name.length)) && i.name.startsWith(name) : i.name === name));
}

/** INVALID indexes now on the table that were not there before the attempt (`before`: their oids). */
export async function newLeftovers(q: Queryable, table: ResolvedTable, before: Set<string>): Promise<InvalidIndex[]> {
  return (await invalidIndexes(q, table.oid)).filter((i) => !before.has(i.oid));
}

/** DROP INDEX CONCURRENTLY IF EXISTS in autocommit, under the given timeouts (ms, 0 = none). */
export async function dropIndexConcurrently(q: Queryable, index: InvalidIndex, timeouts: { lockTimeoutMs: number; statementTimeoutMs: number }): Promise<void> {
  await q.query(`SET lock_timeout = ${settingLiteral(timeouts.lockTimeoutMs)}`);
  await q.query(`SET statement_timeout = ${settingLiteral(timeouts.statementTimeoutMs)}`);
  try {
    await q.query(`DROP INDEX CONCURRENTLY IF EXISTS ${index.qualified}`);
  } finally {
    await q.query('RESET lock_timeout').catch(() => {});
    await q.query('RESET statement_timeout').catch(() => {});
  }
}
