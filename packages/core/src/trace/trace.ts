/**
 * traceMigration(): runs a migration statement by statement inside one transaction that is always rolled back,
 * and records per statement what PostgreSQL actually did: the relation locks its own backend acquired (pg_locks),
 * the relations rewritten (relfilenode changed), the relations created, and the time taken.
 */
import type pg from 'pg';
import type { ParsedMigration } from '../parse.js';
import { locksTaken } from '../statement-locks.js';
import { quoteLiteral } from '../sql.js';
import { fromPgLocksMode } from '../execute/lock-conflicts.js';
import { simulate } from './simulate.js';
import type { ObservedLock, TraceOptions, TraceResult, TracedStatement } from './types.js';

const KINDS: Record<string, string> = { r: 'table', i: 'index', I: 'partitioned index', S: 'sequence', v: 'view', m: 'materialized view', p: 'partitioned table', t: 'TOAST table', f: 'foreign table', c: 'type' };

interface LockRow {
  oid: string;
  mode: string;
  name: string | null;
  relkind: string | null;
  table_name: string | null;
}

/** Granted relation locks of this backend on user relations (oid >= 16384: not the system catalogs). */
async function ownLocks(client: pg.Client): Promise<LockRow[]> {
  const { rows } = await client.query<LockRow>(
    `SELECT l.relation::text AS oid, l.mode, c.oid::regclass::text AS name, c.relkind::text AS relkind,
            (SELECT i.indrelid::regclass::text FROM pg_index i WHERE i.indexrelid = c.oid) AS table_name
       FROM pg_locks l LEFT JOIN pg_class c ON c.oid = l.relation
      WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND l.granted AND l.relation >= 16384
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
  );
  return rows;
}

interface RelRow {
  oid: string;
  relfilenode: string;
  name: string;
  relkind: string;
  table_name: string | null;
}

/** relfilenode of every user table, index and materialized view. */
async function relfilenodes(client: pg.Client): Promise<Map<string, RelRow>> {
  const { rows } = await client.query<RelRow>(
    `SELECT c.oid::text AS oid, c.relfilenode::text AS relfilenode, c.oid::regclass::text AS name, c.relkind::text AS relkind,
            (SELECT i.indrelid::regclass::text FROM pg_index i WHERE i.indexrelid = c.oid) AS table_name
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.oid >= 16384 AND c.relkind IN ('r', 'i', 'm', 'S') AND c.relfilenode <> 0 AND n.nspname NOT LIKE 'pg\\_toast%'`,
  );
  return new Map(rows.map((r) => [r.oid, r]));
}

function observed(row: LockRow, names: Map<string, RelRow>): ObservedLock | undefined {
  const mode = fromPgLocksMode(row.mode);
  if (!mode) return undefined;
  const known = names.get(row.oid);
  const relkind = row.relkind ?? known?.relkind ?? '';
  const table = row.table_name ?? known?.table_name;
  return {
    relation: row.name ?? known?.name ?? `oid ${row.oid}`,
    kind: KINDS[relkind] ?? 'relation',
    ...(table ? { table } : {}),
    pgMode: row.mode,
    mode,
  };
}

/** Runs `migration` on `client` (which must not be in a transaction) in a transaction that is rolled back, whatever
 *  happens. A statement that fails stops the trace; the following ones are reported as not run. */
export async function traceMigration(client: pg.Client, migration: ParsedMigration, options: TraceOptions = {}): Promise<TraceResult> {
  const t0 = performance.now();
  const { rows } = await client.query<{ v: string; n: string }>(`SELECT current_setting('server_version') AS v, current_setting('server_version_num') AS n`);
  const server = rows[0]!.v;
  const pgVersion = Math.floor(Number(rows[0]!.n) / 10000);
  const statements: TracedStatement[] = [];
  const sequencesBefore = await sequenceValues(client);
  await client.query('BEGIN');
  try {
    await client.query(`SET LOCAL lock_timeout = ${Math.round(options.lockTimeoutMs ?? 5000)}`);
    await client.query(`SET LOCAL statement_timeout = ${Math.round(options.statementTimeoutMs ?? 0)}`);
    let failed = false;
    for (const stmt of migration.statements) {
      const entry: TracedStatement = {
        index: stmt.index,
        line: stmt.start.line,
        text: stmt.text,
        status: 'ok',
        notes: [],
        documented: locksTaken(stmt).map((l) => ({ table: l.table.sql, mode: l.mode })),
        locks: [],
        alreadyHeld: [],
        internalLocks: 0,
        rewrites: [],
        created: [],
        ms: 0,
      };
      statements.push(entry);
      if (failed) {
        entry.status = 'not-run';
        entry.notes.push('not run: an earlier statement failed and aborted the transaction');
        continue;
      }
      const how = simulate(stmt, pgVersion);
      if ('skip' in how) {
        entry.status = 'skipped';
        entry.notes.push(how.skip);
        continue;
      }
      if (how.tracedAs) entry.tracedAs = how.tracedAs;
      if (how.note) entry.notes.push(how.note);
      const beforeLocks = await ownLocks(client);
      const beforeFiles = await relfilenodes(client);
      const start = performance.now();
      try {
        await client.query(how.sql);
      } catch (error) {
        const e = error as Error & { code?: string };
        entry.status = 'error';
        entry.error = { ...(e.code ? { code: e.code } : {}), message: e.message };
        entry.ms = Math.round((performance.now() - start) * 10) / 10;
        failed = true;
        continue;
      }
      entry.ms = Math.round((performance.now() - start) * 10) / 10;
      const afterLocks = await ownLocks(client);
      const afterFiles = await relfilenodes(client);
      const names = new Map([...beforeFiles, ...afterFiles]);
      const held = new Set(beforeLocks.map((l) => `${l.oid}/${l.mode}`));
      const seen = new Set<string>();
      for (const row of afterLocks) {
        if (held.has(`${row.oid}/${row.mode}`)) continue;
        const lock = observed(row, names);
        if (!lock) continue;
        // TOAST tables and the transient heaps of a rewrite (gone by now) are counted, not listed.
        if (lock.relation.startsWith('pg_toast.') || lock.relation.startsWith('oid ')) {
          entry.internalLocks++;
          continue;
        }
        const key = `${lock.relation}/${lock.mode}`;
        if (!seen.has(key)) entry.locks.push(lock);
        seen.add(key);
      }
      // A lock an earlier statement of the transaction already holds is not acquired again (nor, often, a weaker
      // one on the same table): list what was held on each documented table the statement shows no new lock on.
      for (const doc of entry.documented) {
        const table = doc.table.replace(/^public\./, '');
        if (entry.locks.some((l) => l.relation === table && l.mode === doc.mode)) continue;
        for (const p of beforeLocks.map((r) => observed(r, names))) {
          if (p && p.relation === table && !entry.alreadyHeld.some((h) => h.relation === p.relation && h.mode === p.mode)) entry.alreadyHeld.push(p);
        }
      }
      // When the type change is binary-coercible the new index reuses the old one's storage (same relfilenode).
      const gone = new Map([...beforeFiles].filter(([oid]) => !afterFiles.has(oid)).map(([, r]) => [r.name, r]));
      for (const [oid, after] of afterFiles) {
        const before = beforeFiles.get(oid);
        const replaced = before ? undefined : gone.get(after.name);
        if (replaced) {
          if (replaced.relfilenode !== after.relfilenode) entry.rewrites.push({ relation: after.name, kind: KINDS[after.relkind] ?? 'relation' });
        } else if (!before) entry.created.push(after.name);
        else if (before.relfilenode !== after.relfilenode) entry.rewrites.push({ relation: after.name, kind: KINDS[after.relkind] ?? 'relation' });
      }
      entry.locks.sort(byRelation);
    }
  } finally {
    await client.query('ROLLBACK').catch(() => {});
  }
  const sequencesMoved: TraceResult['sequencesMoved'] = [];
  for (const [sequence, after] of await sequenceValues(client)) {
    const before = sequencesBefore.get(sequence);
    if (!before || after.last === before.last || after.last === null) continue;
    const restore = before.last === null ? `SELECT setval(${quoteLiteral(sequence)}, ${before.start}, false);` : `SELECT setval(${quoteLiteral(sequence)}, ${before.last});`;
    sequencesMoved.push({ sequence, before: before.last, after: after.last, restore });
  }
  return { server, statements, rolledBack: true, sequencesMoved, ms: Math.round(performance.now() - t0) };
}

/** Every readable sequence's last value (null: never used) and start, by qualified name. */
async function sequenceValues(client: pg.Client): Promise<Map<string, { last: string | null; start: string }>> {
  const { rows } = await client.query<{ name: string; last: string | null; start: string }>(
    `SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename) AS name, last_value::text AS last, start_value::text AS start
       FROM pg_sequences WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`,
  );
  return new Map(rows.map((r) => [r.name, { last: r.last, start: r.start }]));
}

function byRelation(a: ObservedLock, b: ObservedLock): number {
  return a.relation < b.relation ? -1 : a.relation > b.relation ? 1 : a.mode < b.mode ? -1 : a.mode > b.mode ? 1 : 0;
}
