/** Bounded counting on a live table: exact under a statement_timeout for small tables, a TABLESAMPLE estimate for
 *  large ones (or when the exact count times out). */
import { isTimeout, type ReadOnlySession } from './readonly.js';
import type { LiveTable } from './types.js';

export interface Count {
  /** undefined: could not be counted within the time limit. */
  count?: number;
  estimate: boolean;
  /** How it was counted, for the report. */
  method: string;
}

export interface CountLimits {
  exactCountLimit: number;
  countTimeoutMs: number;
  sampleRows: number;
}

/** Rows of `table` matching the SQL condition `where`. */
export async function countWhere(db: ReadOnlySession, table: LiveTable, where: string, limits: CountLimits): Promise<Count> {
  if (table.rows <= limits.exactCountLimit) {
    try {
      const { rows } = await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table.name} WHERE ${where}`, [], limits.countTimeoutMs);
      return { count: Number(rows[0]!.n), estimate: false, method: 'exact count' };
    } catch (error) {
      if (!isTimeout(error)) throw error;
    }
  }
  // A table never analyzed and too big to count has no row estimate to scale a sample by.
  if (table.rows < 0) return { estimate: true, method: `not counted: timed out after ${limits.countTimeoutMs} ms` };
  const percent = Math.min(100, Math.max(0.0001, (100 * limits.sampleRows) / Math.max(1, table.rows)));
  try {
    const { rows } = await db.query<{ hits: string; seen: string }>(
      `SELECT count(*) FILTER (WHERE ${where})::text AS hits, count(*)::text AS seen FROM ${table.name} TABLESAMPLE SYSTEM (${percent}) REPEATABLE (7)`,
      [],
      limits.countTimeoutMs,
    );
    const hits = Number(rows[0]!.hits);
    const seen = Number(rows[0]!.seen);
    if (seen === 0) return { estimate: true, method: 'sample was empty' };
    return { count: Math.round((hits / seen) * table.rows), estimate: true, method: `estimate from a ${formatPercent(percent)} sample (${seen.toLocaleString('en-US')} rows)` };
  } catch (error) {
    if (!isTimeout(error)) throw error;
    return { estimate: true, method: `not counted: timed out after ${limits.countTimeoutMs} ms` };
  }
}

/** Up to `n` example rows matching `select` (a full query ending before LIMIT), or none when it times out. */
export async function examples<R extends Record<string, unknown>>(db: ReadOnlySession, select: string, n: number, timeoutMs: number): Promise<R[]> {
  if (n <= 0) return [];
  try {
    return (await db.query<R>(`${select} LIMIT ${n}`, [], timeoutMs)).rows;
  } catch (error) {
    if (!isTimeout(error)) throw error;
    return [];
  }
}

function formatPercent(p: number): string {
  return `${p >= 1 ? Number(p.toFixed(1)) : Number(p.toPrecision(2))}%`;
}
