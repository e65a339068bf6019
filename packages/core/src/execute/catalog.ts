/** The catalog and statistics queries of the executor: who blocks whom, build progress, INVALID indexes. */
import type pg from 'pg';
import type { LockMode } from '../locks.js';
import { fromPgLocksMode } from './lock-conflicts.js';
import type { BlockingSession, IndexBuildProgress } from './types.js';

export type Queryable = Pick<pg.Client, 'query'>;

/** The pg_stat_activity columns (alias `a`) every report of a session reads, as `SessionRow`. */
export const SESSION_COLUMNS = `a.pid, a.state, a.usename, a.application_name, a.query, a.wait_event_type, a.backend_type,
  (extract(epoch FROM clock_timestamp() - a.xact_start) * 1000)::float8 AS xact_ms,
  (extract(epoch FROM clock_timestamp() - a.state_change) * 1000)::float8 AS state_ms`;

export interface SessionRow {
  pid: number;
  state: string | null;
  usename: string | null;
  application_name: string | null;
  query: string | null;
  wait_event_type: string | null;
  backend_type: string | null;
  xact_ms: number | null;
  state_ms: number | null;
}

export function queryExcerpt(query: string | null, max = 160): string {
  const line = (query ?? '').replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

export function session(row: SessionRow): BlockingSession {
  return {
    pid: row.pid,
    state: row.state,
    user: row.usename,
    applicationName: row.application_name,
    query: queryExcerpt(row.query),
    xactAgeMs: row.xact_ms === null ? null : Math.round(row.xact_ms),
    stateAgeMs: row.state_ms === null ? null : Math.round(row.state_ms),
    waitEventType: row.wait_event_type,
    backendType: row.backend_type,
  };
}

/** The sessions `pid` waits behind, when it is waiting for a lock (pg_blocking_pids: holders and those ahead in
 *  the queue); empty when it is not waiting. */
export async function blockersOf(q: Queryable, pid: number): Promise<BlockingSession[]> {
  const { rows } = await q.query<SessionRow>(
    `SELECT ${SESSION_COLUMNS}
       FROM pg_stat_activity a
      WHERE EXISTS (SELECT 1 FROM pg_stat_activity w WHERE w.pid = $1 AND w.wait_event_type = 'Lock')
        AND a.pid = ANY (pg_blocking_pids($1))
      ORDER BY a.xact_start NULLS LAST`,
    [pid],
  );
  return rows.map(session);
}

/** A resolved table: its oid (as text) and qualified name as PostgreSQL prints it. */
export interface ResolvedTable {
  oid: string;
  name: string;
}

/** Resolves a table name the way the migration's session does (its search_path); undefined when it does not exist. */
export async function resolveTable(q: Queryable, sqlName: string): Promise<ResolvedTable | undefined> {
  const { rows } = await q.query<{ oid: string | null; name: string | null }>(`SELECT to_regclass($1)::oid::text AS oid, to_regclass($1)::text AS name`, [sqlName]);
  const row = rows[0];
  return row?.oid ? { oid: row.oid, name: row.name ?? sqlName } : undefined;
}

/** Every lock other sessions hold on, or wait for on, the given tables, with the session holding it. */
export async function tableLockers(
  q: Queryable,
  oids: string[],
  excludePids: number[],
): Promise<(BlockingSession & { lock: NonNullable<BlockingSession['lock']>; relationOid: string })[]> {
  if (oids.length === 0) return [];
  const { rows } = await q.query<SessionRow & { mode: string; granted: boolean; relation: string; relation_oid: string }>(
    `SELECT ${SESSION_COLUMNS}, l.mode, l.granted, l.relation::regclass::text AS relation, l.relation::text AS relation_oid
       FROM pg_locks l
       JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'relation'
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND l.relation = ANY ($1::oid[])
        AND l.pid <> ALL ($2::int[])
      ORDER BY a.xact_start NULLS LAST, l.pid`,
    [oids, excludePids],
  );
  return rows.flatMap((row) => {
    const mode = fromPgLocksMode(row.mode);
    return mode ? [{ ...session(row), lock: { table: row.relation, mode: mode as LockMode, granted: row.granted }, relationOid: row.relation_oid }] : [];
  });
}

/** pg_stat_progress_create_index for `pid`, when it is building an index. */
export async function indexBuildProgress(q: Queryable, pid: number): Promise<IndexBuildProgress | undefined> {
  const { rows } = await q.query<Record<string, string | null>>(
    `SELECT command, phase, index_relid::regclass::text AS index, relid::regclass::text AS "table",
            blocks_done, blocks_total, tuples_done, tuples_total, lockers_done, lockers_total
       FROM pg_stat_progress_create_index WHERE pid = $1`,
    [pid],
  );
  const r = rows[0];
  if (!r) return undefined;
  const n = (v: string | null | undefined) => Number(v ?? 0);
  const [done, total] = n(r.blocks_total) > 0 ? [n(r.blocks_done), n(r.blocks_total)] : n(r.tuples_total) > 0 ? [n(r.tuples_done), n(r.tuples_total)] : n(r.lockers_total) > 0 ? [n(r.lockers_done), n(r.lockers_total)] : [0, 0];
  return {
    command: r.command ?? '',
    phase: r.phase ?? '',
    index: r.index === '-' || r.index === '0' ? null : (r.index ?? null),
    table: r.table ?? null,
    blocksDone: n(r.blocks_done),
    blocksTotal: n(r.blocks_total),
    tuplesDone: n(r.tuples_done),
    tuplesTotal: n(r.tuples_total),
    lockersDone: n(r.lockers_done),
    lockersTotal: n(r.lockers_total),
    fraction: total > 0 ? Math.min(1, done / total) : null,
  };
}

export interface InvalidIndex {
  oid: string;
  /** Schema-qualified and quoted, ready for DROP INDEX. */
  qualified: string;
  name: string;
}

/** INVALID indexes of a table that no session is building right now (those are leftovers of failed builds). */
export async function invalidIndexes(q: Queryable, tableOid: string): Promise<InvalidIndex[]> {
  const { rows } = await q.query<InvalidIndex>(
    `SELECT c.oid::text AS oid, quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS qualified, c.relname AS name
       FROM pg_index i
       JOIN pg_class c ON c.oid = i.indexrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE i.indrelid = $1::oid AND NOT i.indisvalid
        AND NOT EXISTS (SELECT 1 FROM pg_stat_progress_create_index p WHERE p.index_relid = i.indexrelid)
      ORDER BY c.relname`,
    [tableOid],
  );
  return rows;
}

/** The table an index belongs to (REINDEX INDEX). */
export async function tableOfIndex(q: Queryable, indexSqlName: string): Promise<ResolvedTable | undefined> {
  const { rows } = await q.query<{ oid: string; name: string }>(
    `SELECT i.indrelid::text AS oid, i.indrelid::regclass::text AS name FROM pg_index i WHERE i.indexrelid = to_regclass($1)`,
    [indexSqlName],
  );
  return rows[0];
}

export async function cancelBackend(q: Queryable, pid: number): Promise<void> {
  await q.query('SELECT pg_cancel_backend($1)', [pid]);
}
