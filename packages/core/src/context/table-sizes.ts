/**
 * How many rows a table has at deploy time, read on the connection the deploy already holds (inside the ORM's
 * transaction too: a table an earlier migration of the batch created and filled is seen with its rows).
 *
 * Every query here is one that cannot fail on an existing relation, so it never aborts the ORM's transaction:
 * the catalog's estimate (pg_class.reltuples scaled to the current pages, as the planner does) and, for small or
 * never-analyzed tables, an exact count bounded by a LIMIT (it reads at most `exactLimit + 1` rows, no timeout).
 */
import type { TableRef } from '../ast.js';
import { liveRowEstimates, type RowEstimator } from './row-estimate.js';

/** One formatter for every count (toLocaleString builds one per call: most of the size gate's CPU in a deploy), made
 *  on first use: building it loads ICU's locale data, ~40 ms of CPU at import in every deploy that measures nothing. */
let formatter: Intl.NumberFormat | undefined;

/** `n` with thousands separators, as every size pgsafe prints. */
export function grouped(n: number): string {
  return (formatter ??= new Intl.NumberFormat('en-US')).format(n);
}

export interface MeasuredSize {
  /** As PostgreSQL prints it. */
  table: string;
  rows: number;
  /** rows is an exact count; false: the planner's estimate, or `atLeast` when the bounded count hit its limit. */
  exact: boolean;
  /** The bounded count stopped at its limit and the table was never analyzed: it has more than `rows` rows. */
  atLeast?: boolean;
}

/** Reads the size of a table; undefined when it does not exist (yet) in the live database. */
export type SizeReader = (table: TableRef) => Promise<MeasuredSize | undefined>;

export type Query = (sql: string, params?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>;

/** Default of `exactLimit`: up to this many rows a table is counted exactly (at most a few ms of reading). */
export const EXACT_COUNT_LIMIT = 10_000;

/** A SizeReader over `query`. A table never analyzed has no estimate: it is counted up to `countLimit` rows (the
 *  large-table threshold), so that it is known to be below it or not. */
export function liveSizes(query: Query, countLimit = EXACT_COUNT_LIMIT): SizeReader {
  return (table) => readSize(query, table, EXACT_COUNT_LIMIT, Math.max(EXACT_COUNT_LIMIT, countLimit));
}

export async function readSize(query: Query, table: TableRef, exactLimit = EXACT_COUNT_LIMIT, countLimit = exactLimit): Promise<MeasuredSize | undefined> {
  const { rows } = await query(
    `SELECT c.oid::regclass::text AS name, c.reltuples::float8 AS reltuples, c.relpages::float8 AS relpages,
            (pg_relation_size(c.oid) / current_setting('block_size')::int)::float8 AS pages
       FROM pg_class c WHERE c.oid = to_regclass($1) AND c.relkind IN ('r', 'p', 'm')`,
    [table.sql],
  );
  const row = rows[0];
  if (!row) return undefined;
  const name = String(row.name);
  const reltuples = Number(row.reltuples);
  const relpages = Number(row.relpages);
  const pages = Number(row.pages);
  // The planner's estimate: the density of the last ANALYZE/VACUUM times the pages the table has now.
  const estimate = reltuples >= 0 && relpages > 0 ? Math.round((reltuples / relpages) * pages) : reltuples >= 0 && pages === 0 ? 0 : -1;
  if (estimate > exactLimit) return { table: name, rows: estimate, exact: false };
  const limit = estimate < 0 ? countLimit : exactLimit;
  const counted = await query(`SELECT count(*)::float8 AS n FROM (SELECT 1 FROM ${name} LIMIT ${limit + 1}) t`);
  const n = Number(counted.rows[0]!.n);
  if (n <= limit) return { table: name, rows: n, exact: true };
  return estimate < 0 ? { table: name, rows: limit, exact: false, atLeast: true } : { table: name, rows: Math.max(n, estimate), exact: false };
}

/** `"Order": 0 rows (exact count)`, `orders: ~1,200,000 rows (estimate, pg_class.reltuples)`. */
export function describeSize(size: MeasuredSize): string {
  const n = grouped(size.rows);
  const unit = size.rows === 1 ? 'row' : 'rows';
  if (size.exact) return `${size.table} has ${n} ${unit} (exact count)`;
  if (size.atLeast) return `${size.table} has more than ${n} rows (counted up to there; never analyzed)`;
  return `${size.table} has ~${n} rows (estimate, pg_class.reltuples)`;
}

/** Whether a relation, constraint or type named `name` exists in the live database. */
export function liveNames(query: Query): (name: string) => Promise<boolean> {
  return async (name) => {
    const { rows } = await query(
      'SELECT 1 FROM pg_class WHERE relname = $1 UNION ALL SELECT 1 FROM pg_constraint WHERE conname = $1 UNION ALL SELECT 1 FROM pg_type WHERE typname = $1 LIMIT 1',
      [name],
    );
    return rows.length > 0;
  };
}

/** What a deploy reads of the live database to judge its findings, over the connection it holds (`inTransaction`:
 *  inside the deploy's open transaction, where a failing query must not abort it). */
export function liveContext(query: Query, largeTableRows: number, inTransaction = false): { sizes: SizeReader; nameTaken: (name: string) => Promise<boolean>; estimateRows: RowEstimator } {
  return { sizes: liveSizes(query, largeTableRows), nameTaken: liveNames(query), estimateRows: liveRowEstimates(query, inTransaction) };
}
