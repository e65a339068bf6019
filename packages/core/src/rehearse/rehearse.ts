/**
 * rehearse(): the migration's touched tables copied (schema only, optionally with sampled rows) from a real
 * database into a scratch database, where the migration is traced (rolled back: locks and rewrites) and then run
 * through the executor (timeouts, retries, non-transactional steps): time per step and the outcome.
 */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { tableRefOf, type TableRef } from '../ast.js';
import { ConnectionError, openConnection } from '../execute/connection.js';
import { execute } from '../execute/execute.js';
import type { ExecuteEvent, ExecuteResult } from '../execute/types.js';
import { readTable } from '../live/tables.js';
import { ReadOnlySession } from '../live/readonly.js';
import { loadParser, parseMigration, type ParsedMigration } from '../parse.js';
import { plan } from '../plan/plan.js';
import type { PlanOptions } from '../plan/types.js';
import { SchemaModel } from '../schema-model.js';
import { quoteIdent } from '../sql.js';
import { locksTaken } from '../statement-locks.js';
import { traceMigration } from '../trace/trace.js';
import type { TraceResult } from '../trace/types.js';
import { choosePgDump, findPgDumps, pgDump, withoutMetaCommands, type PgDumpBinary } from './pg-dump.js';

export interface RehearseOptions {
  /** The database to copy from (read-only session, and pg_dump). */
  from: string;
  /** Aborting (Ctrl-C, SIGTERM) drops the scratch database at once, ending whatever runs in it; rehearse() then
   *  rejects. */
  signal?: AbortSignal;
  /** A server where a scratch database may be created and dropped (superuser URL of any database on it). */
  scratch: string;
  /** Rows to copy per table (0: schema only). */
  sampleRows?: number;
  /** pg_dump to use instead of searching. */
  pgDump?: string;
  /** Dump the schema of the whole database, not only the touched tables (their types, functions and the tables
   *  their foreign keys reference come along). */
  wholeSchema?: boolean;
  plan?: PlanOptions;
  /** The executor's events of the run in the scratch database (the HTML report draws its timeline from them). */
  onEvent?: (event: ExecuteEvent) => void;
}

export interface RehearsedTable {
  name: string;
  /** Rows in the source (exact for small tables, else estimated). */
  sourceRows: number;
  sourceRowsEstimate: boolean;
  sourceSize: string;
  copiedRows: number;
}

export interface RehearseResult {
  source: { server: string; major: number };
  scratch: { server: string; major: number; database: string };
  pgDump: PgDumpBinary;
  tables: RehearsedTable[];
  /** Tables the migration touches that the source lacks (created by it, or missing). */
  missing: string[];
  /** Parts of the dump that could not be restored (e.g. a foreign key to a table not copied, or violated by the sample). */
  notes: string[];
  trace: TraceResult;
  /** The executor's steps: what each ran (its description, lines and kind). */
  steps: { id: number; kind: string; description: string; lines: [number, number] }[];
  execution: ExecuteResult;
}

export class RehearseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RehearseError';
  }
}

/** Existing tables the migration touches (and references), as `schema.table`. */
function touchedTables(migration: ParsedMigration): TableRef[] {
  const schema = new SchemaModel(migration.statements);
  const out = new Map<string, TableRef>();
  for (const stmt of migration.statements) {
    for (const l of locksTaken(stmt)) if (!schema.isNewTable(l.table, stmt.index)) out.set(l.table.key, l.table);
  }
  return [...out.values()];
}

export async function rehearse(migration: ParsedMigration, options: RehearseOptions): Promise<RehearseResult> {
  await loadParser();
  // The scratch server first: a wrong URL or password fails at once, before any reading or dumping of the source.
  // Which of the two servers could not be reached is said first: both URLs may name the same user and host.
  const admin = await openConnection(options.scratch, { applicationName: 'pgsafe-rehearse' }).catch((error: Error) => {
    throw error instanceof ConnectionError ? new RehearseError(`the scratch server: ${error.message}`) : error;
  });
  let source: ReadOnlySession;
  try {
    source = await ReadOnlySession.open(options.from, { applicationName: 'pgsafe-rehearse', statementTimeoutMs: 30_000 });
  } catch (error) {
    await admin.end().catch(() => {});
    throw error instanceof ConnectionError ? new RehearseError(`the source database: ${error.message}`) : error;
  }
  const sourceMajor = Math.floor(source.serverVersionNum / 10000);
  const tables: RehearsedTable[] = [];
  const missing: string[] = [];
  const qualified: { ref: TableRef; schema: string; name: string }[] = [];
  let dumpBinary: PgDumpBinary;
  try {
    for (const ref of touchedTables(migration)) {
      const { rows } = await source.query<{ schema: string; name: string } >(
        `SELECT n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass($1)`,
        [ref.sql],
      );
      if (rows[0]) qualified.push({ ref, ...rows[0] });
      else missing.push(ref.sql);
    }
    dumpBinary = choosePgDump(await findPgDumps(options.pgDump), sourceMajor);
    for (const t of qualified) {
      const live = await readTable(source, tableRefOf(t.schema, t.name), 100_000, 10_000);
      tables.push({ name: `${t.schema}.${t.name}`, sourceRows: live?.rows ?? 0, sourceRowsEstimate: live?.rowsEstimate ?? true, sourceSize: live?.totalPretty ?? '?', copiedRows: 0 });
    }
  } catch (error) {
    await source.close();
    await admin.end().catch(() => {});
    throw error;
  }

  const patterns = qualified.flatMap((t) => ['-t', `"${t.schema.replace(/"/g, '""')}"."${t.name.replace(/"/g, '""')}"`]);
  const notes: string[] = [];
  let pre = '';
  let post = '';
  if (qualified.length || options.wholeSchema) {
    const common = ['--schema-only', '--no-owner', '--no-privileges', '--no-comments', ...(options.wholeSchema ? [] : patterns)];
    try {
      pre = withoutMetaCommands(await pgDump(dumpBinary, options.from, [...common, '--section=pre-data']));
      post = withoutMetaCommands(await pgDump(dumpBinary, options.from, [...common, '--section=post-data']));
    } catch (error) {
      await source.close();
      await admin.end().catch(() => {});
      throw error;
    }
  }
  if (options.signal?.aborted) {
    await source.close();
    await admin.end().catch(() => {});
    throw new RehearseError('interrupted before the scratch database was created');
  }

  const database = `pgsafe_rehearse_${randomBytes(4).toString('hex')}`;
  let scratchServer = '';
  let scratchMajor = 0;
  try {
    const v = await admin.query<{ v: string; n: string }>(`SELECT current_setting('server_version') AS v, current_setting('server_version_num') AS n`);
    scratchServer = v.rows[0]!.v;
    scratchMajor = Math.floor(Number(v.rows[0]!.n) / 10000);
    await admin.query(`CREATE DATABASE ${quoteIdent(database)}`);
  } catch (error) {
    await admin.end().catch(() => {});
    await source.close();
    throw new RehearseError(`cannot create the scratch database: ${(error as Error).message}`);
  }
  const scratchUrl = databaseUrl(options.scratch, database);
  const drop = () => admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`).catch(() => admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(database)}`).catch(() => {}));
  // The copy goes at once: FORCE ends the sessions restoring, tracing or running in it, and the steps below fail.
  const onAbort = () => void drop();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const restore = await openConnection(scratchUrl, { applicationName: 'pgsafe-rehearse-restore' });
    try {
      if (!options.wholeSchema) for (const schema of new Set(qualified.map((t) => t.schema))) await restore.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
      if (pre.trim()) {
        try {
          await restore.query(pre);
        } catch (error) {
          const hint = options.wholeSchema ? '' : ' (the dump holds only the touched tables: if they use types, functions or extensions of their own, try --whole-schema)';
          throw new RehearseError(`restoring the schema dump into the scratch database failed: ${(error as Error).message}${hint}`);
        }
      }
      if (options.sampleRows) {
        if (qualified.length > 1) notes.push(`rows are copied per table (up to ${options.sampleRows} each): foreign keys between the copied tables may not hold on the sample, so a failure on a foreign key can be an artefact of sampling`);
        for (const [i, t] of qualified.entries()) tables[i]!.copiedRows = await copySample(source, restore, `${quoteIdent(t.schema)}.${quoteIdent(t.name)}`, options.sampleRows);
      }
      await restoreStatements(restore, post, notes);
      await restore.query('ANALYZE');
    } finally {
      await restore.end().catch(() => {});
    }
    const traced = await openConnection(scratchUrl, { applicationName: 'pgsafe-rehearse-trace' });
    let trace: TraceResult;
    try {
      trace = await traceMigration(traced, migration);
    } finally {
      await traced.end().catch(() => {});
    }
    const planned = plan(migration, { pgVersion: scratchMajor, ...options.plan });
    const execution = await execute(planned, { connectionString: scratchUrl, applicationName: 'pgsafe-rehearse', ...(options.onEvent ? { onEvent: options.onEvent } : {}), ...(options.signal ? { signal: options.signal } : {}) });
    if (options.signal?.aborted) throw new RehearseError('interrupted');
    const steps = planned.steps.map((s) => ({ id: s.id, kind: s.kind, description: s.description, lines: s.lines }));
    return {
      source: { server: source.serverVersion, major: sourceMajor },
      scratch: { server: scratchServer, major: scratchMajor, database },
      pgDump: dumpBinary,
      tables,
      missing,
      notes,
      trace,
      steps,
      execution,
    };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await source.close();
    await drop();
    await admin.end().catch(() => {});
  }
}

/** Up to `n` rows of `table` from the source, inserted into the same table of the scratch database. */
async function copySample(source: ReadOnlySession, target: pg.Client, table: string, n: number): Promise<number> {
  const { rows } = await source.query<{ rows: unknown[] | null }>(`SELECT json_agg(row_to_json(t)) AS rows FROM (SELECT * FROM ${table} LIMIT ${Math.floor(n)}) t`);
  const data = rows[0]?.rows ?? [];
  if (data.length === 0) return 0;
  const cols = await target.query<{ name: string }>(
    `SELECT quote_ident(attname) AS name FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = '' ORDER BY attnum`,
    [table],
  );
  const list = cols.rows.map((c) => c.name).join(', ');
  await target.query(`INSERT INTO ${table} (${list}) OVERRIDING SYSTEM VALUE SELECT ${list} FROM json_populate_recordset(NULL::${table}, $1::json)`, [JSON.stringify(data)]);
  return data.length;
}

/** Post-data statements (indexes, constraints, triggers) one at a time: one that fails (a foreign key to a table
 *  not copied, or violated by the sample) is noted and left out. */
async function restoreStatements(client: pg.Client, sql: string, notes: string[]): Promise<void> {
  if (!sql.trim()) return;
  await client.query(`SELECT pg_catalog.set_config('search_path', '', false)`);
  for (const stmt of parseMigration(sql, 'post-data').statements) {
    try {
      await client.query(stmt.text);
    } catch (error) {
      notes.push(`not restored: ${stmt.text.replace(/\s+/g, ' ').trim().slice(0, 140)}: ${(error as Error).message}`);
    }
  }
  await client.query('RESET search_path');
}

function databaseUrl(url: string, database: string): string {
  try {
    const u = new URL(url);
    u.pathname = `/${encodeURIComponent(database)}`;
    return u.toString();
  } catch {
    return `${url} dbname=${database}`;
  }
}
