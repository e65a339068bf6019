/**
 * What a CONCURRENTLY build step finds and leaves: an index of the same name that already exists (the IF NOT
 * EXISTS the planner added would skip it silently: skipped only when its definition is the one asked for), a build
 * of it still running in another session (an orphan of a killed run: cancelled; anybody else's: waited for), and
 * after the step the index VALID (a build that "succeeded" over an INVALID index is not a success).
 */
import { parseSync } from '../pg-parser.js';
import type { Node } from '@pgsql/types';
import { deparse } from '../ast.js';
import { quoteQualified } from '../sql.js';
import { formatDuration } from '../plan/duration.js';
import { queryExcerpt, type Queryable } from './catalog.js';
import { endOrphan } from './run-lock.js';
import { sleep } from './sleep.js';

export interface ExistingIndex {
  oid: string;
  qualified: string;
  valid: boolean;
  /** pg_get_indexdef. */
  definition: string;
  tableOid: string;
  /** Another session building it right now (pg_stat_progress_create_index), with its application_name. */
  builder?: { pid: number; applicationName: string; query: string; alive: boolean };
}

/** The index the step names, as it is in the database now (undefined: none of that name). */
export async function existingIndex(q: Queryable, index: { schema?: string; name: string }, aliveLockKey: number): Promise<ExistingIndex | undefined> {
  const { rows } = await q.query<{ oid: string; qualified: string; valid: boolean; definition: string; table_oid: string; pid: number | null; app: string | null; query: string | null; alive: boolean | null }>(
    `SELECT c.oid::text AS oid, quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS qualified, i.indisvalid AS valid,
            pg_get_indexdef(c.oid) AS definition, i.indrelid::text AS table_oid,
            p.pid, a.application_name AS app, a.query,
            EXISTS (SELECT 1 FROM pg_locks m WHERE m.locktype = 'advisory' AND m.granted AND m.classid = $2::oid
                       AND m.objid = p.pid::oid AND m.objsubid = 2) AS alive
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_index i ON i.indexrelid = c.oid
       LEFT JOIN pg_stat_progress_create_index p ON p.index_relid = c.oid
       LEFT JOIN pg_stat_activity a ON a.pid = p.pid
      WHERE c.oid = to_regclass($1)`,
    [quoteQualified(index.schema, index.name), aliveLockKey],
  );
  const r = rows[0];
  if (!r) return undefined;
  return {
    oid: r.oid,
    qualified: r.qualified,
    valid: r.valid,
    definition: r.definition,
    tableOid: r.table_oid,
    ...(r.pid ? { builder: { pid: r.pid, applicationName: r.app ?? '', query: queryExcerpt(r.query), alive: !!r.alive } } : {}),
  };
}

/** The part of pg_get_indexdef that says what the index is: UNIQUE, method, columns, INCLUDE, WITH, predicate
 *  (the name and table left out). */
function signature(definition: string): string {
  const using = definition.indexOf(' USING ');
  return `${/^CREATE UNIQUE/.test(definition) ? 'UNIQUE' : ''}${using >= 0 ? definition.slice(using) : definition}`;
}

/**
 * Whether `statement` (a CREATE INDEX) asks for the index `existing` is. PostgreSQL itself says what the statement
 * means: the index is created on an empty temporary copy of the table's columns, in a transaction that is rolled
 * back, and both definitions are compared as pg_get_indexdef prints them. Undefined when that cannot be done.
 */
export async function sameDefinition(q: Queryable, existing: ExistingIndex, statement: string): Promise<boolean | undefined> {
  const stmt = parseSync(statement).stmts?.[0]?.stmt as { IndexStmt?: Record<string, unknown> } | undefined;
  if (!stmt?.IndexStmt) return undefined;
  const body = structuredClone(stmt.IndexStmt);
  body.idxname = 'pgsafe_compare_idx';
  delete body.concurrent;
  delete body.if_not_exists;
  body.relation = { relname: 'pgsafe_compare', inh: true, relpersistence: 'p' };
  let sql: string;
  try {
    sql = deparse({ IndexStmt: body } as unknown as Node);
  } catch {
    return undefined;
  }
  try {
    await q.query('BEGIN');
    await q.query("SET LOCAL lock_timeout = '2s'");
    await q.query("SET LOCAL statement_timeout = '10s'");
    const table = (await q.query<{ t: string }>('SELECT $1::oid::regclass::text AS t', [existing.tableOid])).rows[0]!.t;
    await q.query(`CREATE TEMP TABLE pgsafe_compare (LIKE ${table}) ON COMMIT DROP`);
    await q.query(sql);
    const { rows } = await q.query<{ d: string }>("SELECT pg_get_indexdef('pgsafe_compare_idx'::regclass) AS d");
    return signature(rows[0]!.d) === signature(existing.definition);
  } catch {
    return undefined;
  } finally {
    await q.query('ROLLBACK').catch(() => {});
  }
}

/** Whether the index of that name is VALID now (undefined: it does not exist). */
export async function indexValid(q: Queryable, index: { schema?: string; name: string }): Promise<boolean | undefined> {
  const { rows } = await q.query<{ valid: boolean }>('SELECT i.indisvalid AS valid FROM pg_index i WHERE i.indexrelid = to_regclass($1)', [quoteQualified(index.schema, index.name)]);
  return rows[0]?.valid;
}

export interface BeforeBuildInput {
  /** Where to look, and to cancel an orphan from (the monitor, or the migration's own session between statements). */
  q: Queryable;
  /** A session outside any transaction for the definition comparison (it runs BEGIN ... ROLLBACK). */
  compareOn: Queryable;
  index: { schema?: string; name: string };
  /** The CREATE INDEX as written, and whether it is sent with IF NOT EXISTS (written or added). */
  statement?: { text: string; ifNotExists: boolean };
  /** The run's own sessions: their builds are not somebody else's. */
  ownPids: number[];
  /** The alive-mark lock key of pgsafe runs (run-lock.ts). */
  aliveLockKey: number;
  /** performance.now() after which a build of somebody else is no longer waited for. */
  deadline: number;
  budgetMs: number;
  pollMs: number;
  signal?: AbortSignal;
  onBuilder: (index: string, builder: NonNullable<ExistingIndex['builder']>, action: 'cancel' | 'wait') => void;
}

export type BeforeBuild =
  /** Nothing of that name, or an INVALID leftover to drop before the build. */
  | { outcome: 'build' }
  /** A VALID index of that name, which IF NOT EXISTS would skip the build for: `same` says whether it is the one
   *  asked for (undefined: it could not be compared). Without IF NOT EXISTS the build fails on it by itself. */
  | { outcome: 'exists'; existing: ExistingIndex; same: boolean | undefined }
  | { outcome: 'interrupted' }
  | { outcome: 'still-building'; message: string };

/**
 * Before a CREATE INDEX CONCURRENTLY: another session building the index is an orphan of a killed pgsafe run (its
 * application_name says pgsafe and its run's alive-mark is gone: cancelled) or somebody else's (waited for until
 * `deadline`); then what is there: nothing or an INVALID leftover (build), or a VALID index, compared with the
 * statement when it says IF NOT EXISTS (PostgreSQL would skip the build whatever the index is).
 */
export async function checkBeforeBuild(input: BeforeBuildInput): Promise<BeforeBuild> {
  let reported = 0;
  for (;;) {
    const existing = await existingIndex(input.q, input.index, input.aliveLockKey);
    if (!existing) return { outcome: 'build' };
    const builder = existing.builder;
    if (builder && !input.ownPids.includes(builder.pid)) {
      const orphan = !builder.alive && builder.applicationName.startsWith('pgsafe');
      if (reported !== builder.pid) {
        input.onBuilder(existing.qualified, builder, orphan ? 'cancel' : 'wait');
        reported = builder.pid;
      }
      if (orphan) {
        await endOrphan(input.q, builder.pid);
        continue;
      }
      if (input.signal?.aborted) return { outcome: 'interrupted' };
      if (performance.now() >= input.deadline) {
        return { outcome: 'still-building', message: `pid ${builder.pid} (app "${builder.applicationName}") is still building ${existing.qualified} after the ${formatDuration(input.budgetMs)} budget` };
      }
      await sleep(Math.min(1000, input.pollMs), input.signal);
      continue;
    }
    if (!existing.valid || !input.statement?.ifNotExists) return { outcome: 'build' };
    return { outcome: 'exists', existing, same: await sameDefinition(input.compareOn, existing, input.statement.text) };
  }
}

/** Why a VALID index of the name stops a build whose IF NOT EXISTS would skip it. */
export function otherDefinitionMessage(existing: ExistingIndex): string {
  return `an index named ${existing.qualified} already exists with another definition (${existing.definition}); IF NOT EXISTS would skip this build. Drop or rename the existing index, or give the new one another name`;
}
