/** Sizes, row counts and indexes of the tables a migration touches, from the catalog and statistics. */
import type { TableRef } from '../ast.js';
import { isTimeout, type ReadOnlySession } from './readonly.js';
import type { LiveIndex, LiveTable } from './types.js';

/** Reads a table (undefined when it does not exist in the live database). Small or never-analyzed tables are
 *  counted exactly (bounded by `countTimeoutMs`); others keep the planner's estimate. */
export async function readTable(db: ReadOnlySession, table: TableRef, exactCountLimit: number, countTimeoutMs: number): Promise<LiveTable | undefined> {
  const { rows } = await db.query<{ oid: string | null; name: string; reltuples: number; table_bytes: string; total_bytes: string; total_pretty: string }>(
    `SELECT c.oid::text AS oid, c.oid::regclass::text AS name, c.reltuples::float8 AS reltuples,
            pg_relation_size(c.oid)::text AS table_bytes, pg_total_relation_size(c.oid)::text AS total_bytes,
            pg_size_pretty(pg_total_relation_size(c.oid)) AS total_pretty
       FROM pg_class c WHERE c.oid = to_regclass($1)`,
    [table.sql],
  );
  const row = rows[0];
  if (!row?.oid) return undefined;
  let count = Math.max(0, Math.round(row.reltuples));
  let estimate = true;
  // reltuples is -1 before the first VACUUM or ANALYZE (PostgreSQL 14+; 0 before).
  if (row.reltuples < 0 || row.reltuples <= exactCountLimit) {
    try {
      const exact = await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${row.name}`, [], countTimeoutMs);
      count = Number(exact.rows[0]!.n);
      estimate = false;
    } catch (error) {
      if (!isTimeout(error)) throw error;
      // Never analyzed and too big to count in time: the number is unknown, not zero.
      if (row.reltuples < 0) count = -1;
    }
  }
  return {
    name: row.name,
    oid: row.oid,
    rows: count,
    rowsEstimate: estimate,
    tableBytes: Number(row.table_bytes),
    totalBytes: Number(row.total_bytes),
    totalPretty: row.total_pretty,
    indexes: await readIndexes(db, row.oid),
  };
}

async function readIndexes(db: ReadOnlySession, oid: string): Promise<LiveIndex[]> {
  const { rows } = await db.query<{ name: string; columns: (string | null)[]; unique: boolean; valid: boolean }>(
    `SELECT c.relname AS name, i.indisunique AS unique, i.indisvalid AS valid,
            ARRAY(SELECT a.attname::text FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, n)
                    LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum AND k.attnum > 0
                   WHERE k.n <= i.indnkeyatts ORDER BY k.n) AS columns
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
      WHERE i.indrelid = $1::oid AND i.indpred IS NULL
      ORDER BY c.relname`,
    [oid],
  );
  return rows;
}

/** A valid index whose leading key columns are exactly `columns` (in any order), as a foreign key check uses. */
export function leadingIndex(table: LiveTable, columns: string[]): LiveIndex | undefined {
  return table.indexes.find((ix) => ix.valid && ix.columns.length >= columns.length && columns.every((c) => ix.columns.slice(0, columns.length).includes(c)));
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** `orders: 8,000,000 rows (estimate), 1204 MB with indexes` */
export function describeTable(t: LiveTable): string {
  if (t.rows < 0) return `${t.name}: rows not counted (never analyzed, and a count took too long), ${t.totalPretty} with indexes and TOAST`;
  const rows = `${formatCount(t.rows)} ${t.rows === 1 ? 'row' : 'rows'}${t.rowsEstimate ? ' (estimate, pg_class.reltuples)' : ''}`;
  return `${t.name}: ${rows}, ${t.totalPretty} with indexes and TOAST`;
}
