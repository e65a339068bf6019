/**
 * How many rows an UPDATE or DELETE will change, as the planner estimates it (EXPLAIN, never ANALYZE: nothing runs),
 * on the deploy's own connection. Inside the transaction a guard runs the statement in, the columns and tables
 * earlier statements of it added exist; EXPLAIN then goes under a savepoint, so that its failure (a $1 parameter, a
 * column not there yet) never aborts the ORM's transaction: the caller falls back to judging the text.
 *
 * An estimate is used only when the planner has something to go on: the table has been analyzed and every column
 * the WHERE names has statistics. A column added in the same transaction has none, and the planner's default
 * selectivity (0.5% for `col IS NULL`) would call a backfill of every row a small one.
 */
import { as, referencedColumns, type TableRef } from '../ast.js';
import type { ParsedStatement } from '../parse.js';
import type { Query } from './table-sizes.js';

/** The planner's estimate of the rows `stmt` changes in `table`; undefined when there is none to trust. */
export type RowEstimator = (stmt: ParsedStatement, table: TableRef) => Promise<number | undefined>;

/** Longest the EXPLAIN waits for its ROW EXCLUSIVE lock outside a transaction that already holds it. */
const EXPLAIN_LOCK_TIMEOUT = '1s';

/** A RowEstimator over `query`; `inTransaction`: the connection is inside the deploy's open transaction. */
export function liveRowEstimates(query: Query, inTransaction: boolean): RowEstimator {
  return async (stmt, table) => {
    const change = as(stmt.node, 'UpdateStmt') ?? as(stmt.node, 'DeleteStmt');
    if (!change?.whereClause) return undefined;
    if (!(await hasStatistics(query, table, referencedColumns(change.whereClause)))) return undefined;
    const plan = inTransaction ? await underSavepoint(query, stmt.text) : await withLockTimeout(query, stmt.text);
    return plan === undefined ? undefined : changedRows(plan);
  };
}

/** The table was analyzed and each named column has pg_stats (columns of other tables count as unknown). */
async function hasStatistics(query: Query, table: TableRef, columns: string[]): Promise<boolean> {
  const { rows } = await query(
    `SELECT c.reltuples::float8 AS reltuples, ARRAY(SELECT s.attname::text FROM pg_stats s WHERE s.schemaname = n.nspname AND s.tablename = c.relname) AS analyzed
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass($1)`,
    [table.sql],
  );
  const row = rows[0];
  if (!row || Number(row.reltuples) < 0) return false;
  const analyzed = new Set(row.analyzed as string[]);
  return columns.every((c) => analyzed.has(c));
}

async function underSavepoint(query: Query, sql: string): Promise<unknown> {
  await query('SAVEPOINT pgsafe_explain');
  try {
    const { rows } = await query(`EXPLAIN (FORMAT JSON) ${sql}`);
    await query('RELEASE SAVEPOINT pgsafe_explain');
    return rows[0]?.['QUERY PLAN'];
  } catch {
    await query('ROLLBACK TO SAVEPOINT pgsafe_explain');
    await query('RELEASE SAVEPOINT pgsafe_explain');
    return undefined;
  }
}

/** Outside a transaction: planning takes ROW EXCLUSIVE on the table, so it must not wait behind a long lock. */
async function withLockTimeout(query: Query, sql: string): Promise<unknown> {
  const { rows } = await query("SELECT current_setting('lock_timeout') AS old");
  await query(`SET lock_timeout = '${EXPLAIN_LOCK_TIMEOUT}'`);
  try {
    return (await query(`EXPLAIN (FORMAT JSON) ${sql}`)).rows[0]?.['QUERY PLAN'];
  } catch {
    return undefined;
  } finally {
    await query("SELECT set_config('lock_timeout', $1, false)", [String(rows[0]?.old ?? '0')]);
  }
}

/** The rows the plan's ModifyTable node reads to change (its own row count is 0 without RETURNING). */
function changedRows(plan: unknown): number | undefined {
  const top = (Array.isArray(plan) ? plan[0] : undefined) as { Plan?: { 'Node Type'?: string; Plans?: { 'Plan Rows'?: number }[] } } | undefined;
  const rows = top?.Plan?.['Node Type'] === 'ModifyTable' ? top.Plan.Plans?.[0]?.['Plan Rows'] : undefined;
  return typeof rows === 'number' ? rows : undefined;
}
