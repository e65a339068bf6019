/** Reads, for each statement of a migration, what the live database says about it: the size of the tables it
 *  touches, whether a foreign key's columns are already indexed, NULLs in a column about to become NOT NULL, rows
 *  violating a CHECK about to be added, duplicates under a unique index about to be built, the collation of its
 *  columns, and sessions holding locks on those tables right now. Read-only; every count is bounded. */
import type { Node } from '@pgsql/types';
import { as, columnConstraints, quoteList, sqlOf, tableRef, type TableRef } from '../ast.js';
import { declaredConstraints } from '../constraints.js';
import type { ParsedMigration, ParsedStatement } from '../parse.js';
import { SchemaModel } from '../schema-model.js';
import { quoteIdent } from '../sql.js';
import { locksTaken } from '../statement-locks.js';
import { tableLockers, type Queryable } from '../execute/catalog.js';
import { isConnectionError } from '../execute/connection.js';
import { countWhere, examples, type Count, type CountLimits } from './counting.js';
import { isTimeout, type ReadOnlySession } from './readonly.js';
import { describeTable, formatCount, leadingIndex, readTable } from './tables.js';
import type { LiveCheckOptions, LiveFact, LiveMigrationFacts, LiveStatementFacts, LiveTable } from './types.js';

const DEFAULTS: Required<LiveCheckOptions> = { exactCountLimit: 1_000_000, countTimeoutMs: 10_000, sampleRows: 100_000, longTransactionMs: 60_000, examples: 3 };

export function resolveLiveOptions(options: LiveCheckOptions = {}): Required<LiveCheckOptions> {
  const out = { ...DEFAULTS };
  for (const [k, v] of Object.entries(options)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

/** Live facts for every statement of `migration`. Tables the migration creates itself are skipped (they are empty). */
export async function gatherFacts(db: ReadOnlySession, migration: ParsedMigration, options: LiveCheckOptions = {}): Promise<LiveMigrationFacts> {
  const o = resolveLiveOptions(options);
  const schema = new SchemaModel(migration.statements);
  const tables = new Map<string, LiveTable | null>();
  const table = async (ref: TableRef): Promise<LiveTable | undefined> => {
    if (!tables.has(ref.key)) tables.set(ref.key, (await readTable(db, ref, o.exactCountLimit, o.countTimeoutMs)) ?? null);
    return tables.get(ref.key) ?? undefined;
  };
  const statements: LiveStatementFacts[] = [];
  const touchedBy = new Map<number, LiveTable[]>();
  for (const stmt of migration.statements) {
    const facts: LiveFact[] = [];
    const touched: LiveTable[] = [];
    for (const lock of locksTaken(stmt)) {
      if (schema.isNewTable(lock.table, stmt.index)) continue;
      const t = await table(lock.table);
      if (!t) continue;
      touched.push(t);
      facts.push({ kind: 'table', text: describeTable(t), estimate: t.rowsEstimate, data: { table: t.name, rows: t.rows, tableBytes: t.tableBytes, totalBytes: t.totalBytes, lock: lock.mode } });
    }
    touchedBy.set(stmt.index, touched);
    const ctx: StatementCtx = { db, o, migration, stmt, facts, table: async (ref) => (ref && !schema.isNewTable(ref, stmt.index) ? table(ref) : undefined) };
    // One fact that cannot be read (e.g. a CHECK calling a function this migration creates) leaves the others.
    for (const collect of [requiredColumns, foreignKeys, foreignKeyViolations, setNotNull, checks, uniques]) {
      try {
        await collect(ctx);
      } catch (error) {
        if (isConnectionError(error)) throw error;
        facts.push({ kind: 'unavailable', text: `could not read the live data for this statement: ${(error as Error).message}`, estimate: false, data: { code: (error as { code?: string }).code ?? null } });
      }
    }
    if (facts.length) statements.push({ statement: stmt.index, facts });
  }
  await sessions(db, o, touchedBy, statements);
  return { file: migration.file, tables: [...tables.values()].filter((t): t is LiveTable => !!t), statements: statements.sort((a, b) => a.statement - b.statement) };
}

interface StatementCtx {
  db: ReadOnlySession;
  o: Required<LiveCheckOptions>;
  migration: ParsedMigration;
  stmt: ParsedStatement;
  facts: LiveFact[];
  table(ref: TableRef | undefined): Promise<LiveTable | undefined>;
}

const limits = (o: Required<LiveCheckOptions>): CountLimits => ({ exactCountLimit: o.exactCountLimit, countTimeoutMs: o.countTimeoutMs, sampleRows: o.sampleRows });

/** Character offset in the file of an AST location (byte offset in the statement list), for matching findings. */
function offsetOf(ctx: StatementCtx, location: number | undefined): number {
  return location === undefined ? ctx.stmt.start.offset : ctx.migration.map.charOffset(location);
}

function countText(c: Count, what: string): string {
  if (c.count === undefined) return `${what}: ${c.method}`;
  return `${c.estimate ? '~' : ''}${formatCount(c.count)} ${what} (${c.method})`;
}

async function foreignKeys(ctx: StatementCtx): Promise<void> {
  for (const { table, con, columns } of declaredConstraints(ctx.stmt.node)) {
    if (con.contype !== 'CONSTR_FOREIGN' || columns.length === 0) continue;
    const t = await ctx.table(table);
    if (!t) continue;
    const index = leadingIndex(t, columns);
    ctx.facts.push({
      kind: 'foreign-key-index',
      text: index
        ? `${t.name} (${quoteList(columns)}) is already indexed in the live database by ${quoteIdent(index.name)}`
        : `no index on ${t.name} (${quoteList(columns)}) in the live database either (${t.rows < 0 ? 'an uncounted number of' : formatCount(t.rows)} rows to scan per parent delete)`,
      estimate: false,
      data: { table: t.name, columns, index: index?.name ?? null, offset: offsetOf(ctx, con.location) },
    });
  }
}

/** ADD COLUMN ... NOT NULL without a DEFAULT: fails on the first existing row (incident 1). */
async function requiredColumns(ctx: StatementCtx): Promise<void> {
  const alter = as(ctx.stmt.node, 'AlterTableStmt');
  if (!alter) return;
  for (const c of alter.cmds ?? []) {
    const cmd = as(c, 'AlterTableCmd');
    const col = cmd?.subtype === 'AT_AddColumn' ? as(cmd.def, 'ColumnDef') : undefined;
    if (!col?.colname) continue;
    const cons = columnConstraints(col);
    const notNull = cons.some((k) => k.contype === 'CONSTR_NOTNULL' || k.contype === 'CONSTR_PRIMARY');
    const filled = cons.some((k) => k.contype === 'CONSTR_DEFAULT' || k.contype === 'CONSTR_IDENTITY' || k.contype === 'CONSTR_GENERATED');
    if (!notNull || filled) continue;
    const t = await ctx.table(tableRef(alter.relation));
    if (!t) continue;
    const col_ = quoteIdent(col.colname);
    if (t.rows < 0) continue;
    const fails = t.rows > 0;
    const rows = `${t.rowsEstimate ? '~' : ''}${formatCount(t.rows)} ${t.rows === 1 ? 'row' : 'rows'}${t.rowsEstimate ? ' (estimate)' : ''}`;
    ctx.facts.push({
      kind: 'required-column',
      text: fails
        ? `${t.name} has ${rows}: adding NOT NULL column ${col_} without a DEFAULT fails on the first one`
        : `${t.name} is empty in the live database${t.rowsEstimate ? ' (estimate)' : ''}: adding NOT NULL column ${col_} without a DEFAULT succeeds today, and fails once a row exists`,
      estimate: t.rowsEstimate,
      ...(fails ? { fails, headline: `${t.name} has ${rows} and ${col_} would be NULL in each` } : {}),
      data: { table: t.name, column: col.colname, rows: t.rows },
    });
  }
}

/** The referenced table's key columns: those written, else its primary key. */
async function referencedColumns(db: ReadOnlySession, parent: LiveTable, written: string[]): Promise<string[]> {
  if (written.length) return written;
  const { rows } = await db.query<{ cols: string[] }>(
    `SELECT ARRAY(SELECT a.attname::text FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, n) JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum ORDER BY k.n) AS cols
       FROM pg_index i WHERE i.indrelid = $1::oid AND i.indisprimary`,
    [parent.oid],
  );
  return rows[0]?.cols ?? [];
}

/** Rows of the referencing table with no matching row in the referenced one: adding the foreign key fails. */
async function foreignKeyViolations(ctx: StatementCtx): Promise<void> {
  for (const { table, con, columns } of declaredConstraints(ctx.stmt.node)) {
    if (con.contype !== 'CONSTR_FOREIGN' || columns.length === 0) continue;
    const child = await ctx.table(table);
    const parent = await ctx.table(tableRef(con.pktable));
    if (!child || !parent) continue;
    const keys = await referencedColumns(ctx.db, parent, (con.pk_attrs ?? []).map((n) => as(n, 'String')?.sval ?? '').filter(Boolean));
    if (keys.length !== columns.length) continue;
    const present = columns.map((c) => `${child.name}.${quoteIdent(c)} IS NOT NULL`).join(' AND ');
    const match = columns.map((c, i) => `p.${quoteIdent(keys[i]!)} = ${child.name}.${quoteIdent(c)}`).join(' AND ');
    const where = `${present} AND NOT EXISTS (SELECT 1 FROM ${parent.name} p WHERE ${match})`;
    const n = await countWhere(ctx.db, child, where, limits(ctx.o));
    const sample = (n.count ?? 1) > 0 ? await examples<{ row: string }>(ctx.db, `SELECT row_to_json(x)::text AS row FROM ${child.name} x WHERE ${where.replaceAll(`${child.name}.`, 'x.')}`, ctx.o.examples, ctx.o.countTimeoutMs) : [];
    const rows = sample.map((r) => clip(r.row));
    const fails = ((n.count ?? 0) > 0 || rows.length > 0) && !con.skip_validation;
    const what = `${n.count === 1 ? 'row' : 'rows'} of ${child.name} (${quoteList(columns)}) with no matching ${parent.name} row`;
    ctx.facts.push({
      kind: 'foreign-key-violations',
      text: `${countText(n, what)}${rows.length ? `; e.g. ${rows.join(', ')}` : ''}`,
      estimate: n.estimate,
      ...(fails ? { fails, headline: countText(n, what) } : {}),
      data: { table: child.name, columns, referenced: parent.name, referencedColumns: keys, violating: n.count ?? null, method: n.method, examples: rows, notValid: !!con.skip_validation },
    });
  }
}

async function setNotNull(ctx: StatementCtx): Promise<void> {
  const alter = as(ctx.stmt.node, 'AlterTableStmt');
  if (!alter) return;
  const t = await ctx.table(tableRef(alter.relation));
  if (!t) return;
  for (const c of alter.cmds ?? []) {
    const cmd = as(c, 'AlterTableCmd');
    if (cmd?.subtype !== 'AT_SetNotNull' || !cmd.name) continue;
    const col = quoteIdent(cmd.name);
    const n = await countWhere(ctx.db, t, `${col} IS NULL`, limits(ctx.o));
    const fails = (n.count ?? 0) > 0;
    ctx.facts.push({
      kind: 'null-count',
      text: `${countText(n, `NULL ${n.count === 1 ? 'value' : 'values'} in ${t.name}.${col}`)}${fails ? ': SET NOT NULL will fail until they are filled' : ''}`,
      estimate: n.estimate,
      ...(fails ? { fails, headline: countText(n, `NULL ${n.count === 1 ? 'value' : 'values'} in ${t.name}.${col}`) } : {}),
      data: { table: t.name, column: cmd.name, nulls: n.count ?? null, method: n.method },
    });
  }
}

async function checks(ctx: StatementCtx): Promise<void> {
  for (const { table, con, onAddedColumn } of declaredConstraints(ctx.stmt.node)) {
    if (con.contype !== 'CONSTR_CHECK' || !con.raw_expr || onAddedColumn) continue;
    const t = await ctx.table(table);
    if (!t) continue;
    const expr = sqlOf(con.raw_expr as Node);
    // A CHECK rejects a row only when its expression is false (NULL passes).
    const where = `(${expr}) IS FALSE`;
    const n = await countWhere(ctx.db, t, where, limits(ctx.o));
    const sample = (n.count ?? 1) > 0 ? await examples<{ row: string }>(ctx.db, `SELECT row_to_json(x)::text AS row FROM ${t.name} x WHERE ${where}`, ctx.o.examples, ctx.o.countTimeoutMs) : [];
    const fails = (n.count ?? 0) > 0 || sample.length > 0;
    const name = con.conname ? `${quoteIdent(con.conname)} ` : '';
    const rows = sample.map((r) => clip(r.row));
    ctx.facts.push({
      kind: 'check-violations',
      text: `${countText(n, `${n.count === 1 ? 'row' : 'rows'} of ${t.name} violate CHECK ${name}(${expr})`)}${rows.length ? `; e.g. ${rows.join(', ')}` : ''}`,
      estimate: n.estimate,
      ...(fails && !con.skip_validation ? { fails: true, headline: countText(n, `${n.count === 1 ? 'row' : 'rows'} of ${t.name} violate CHECK ${name}(${expr})`) } : {}),
      data: { table: t.name, constraint: con.conname ?? null, expression: expr, violating: n.count ?? null, method: n.method, examples: rows, notValid: !!con.skip_validation },
    });
  }
}

/** Unique keys the statement builds on existing rows: CREATE UNIQUE INDEX, ADD UNIQUE / PRIMARY KEY. */
function uniqueKeys(stmt: ParsedStatement): { table: TableRef; columns: string[]; nullsNotDistinct: boolean; location?: number }[] {
  const out: { table: TableRef; columns: string[]; nullsNotDistinct: boolean; location?: number }[] = [];
  const index = as(stmt.node, 'IndexStmt');
  const ref = tableRef(index?.relation);
  if (index?.unique && ref) {
    const elems = (index.indexParams ?? []).map((p) => as(p, 'IndexElem'));
    if (elems.every((e) => e?.name)) out.push({ table: ref, columns: elems.map((e) => e!.name!), nullsNotDistinct: !!index.nulls_not_distinct });
  }
  for (const { table, con, columns, onAddedColumn } of declaredConstraints(stmt.node)) {
    if ((con.contype === 'CONSTR_UNIQUE' || con.contype === 'CONSTR_PRIMARY') && !onAddedColumn && !con.indexname && columns.length && as(stmt.node, 'AlterTableStmt')) {
      out.push({ table, columns, nullsNotDistinct: !!con.nulls_not_distinct, location: con.location });
    }
  }
  return out;
}

async function uniques(ctx: StatementCtx): Promise<void> {
  for (const key of uniqueKeys(ctx.stmt)) {
    const t = await ctx.table(key.table);
    if (!t) continue;
    const cols = key.columns.map(quoteIdent);
    const notNull = key.nullsNotDistinct ? 'true' : cols.map((c) => `${c} IS NOT NULL`).join(' AND ');
    const groups = `SELECT ${cols.join(', ')}, count(*) AS n FROM ${t.name} WHERE ${notNull} GROUP BY ${cols.join(', ')} HAVING count(*) > 1`;
    let dup: { groups?: number; rows?: number; method: string } = { method: 'exact count' };
    try {
      const { rows } = await ctx.db.query<{ groups: string; rows: string }>(`SELECT count(*)::text AS groups, coalesce(sum(n), 0)::text AS rows FROM (${groups}) d`, [], ctx.o.countTimeoutMs);
      dup = { groups: Number(rows[0]!.groups), rows: Number(rows[0]!.rows), method: 'exact count' };
    } catch (error) {
      if (!isTimeout(error)) throw error;
      dup = { method: `not counted: timed out after ${ctx.o.countTimeoutMs} ms` };
    }
    const sample = (dup.groups ?? 1) > 0 ? await examples<Record<string, unknown>>(ctx.db, `${groups} ORDER BY n DESC`, ctx.o.examples, ctx.o.countTimeoutMs) : [];
    const shown = sample.map((r) => `(${key.columns.map((c) => JSON.stringify(r[c])).join(', ')}) ×${String(r.n)}`);
    const fails = (dup.groups ?? 0) > 0;
    ctx.facts.push({
      kind: 'duplicates',
      text:
        dup.groups === undefined
          ? `duplicates of ${t.name} (${quoteList(key.columns)}): ${dup.method}`
          : `${formatCount(dup.groups)} duplicate ${dup.groups === 1 ? 'key' : 'keys'} (${formatCount(dup.rows ?? 0)} rows) in ${t.name} (${quoteList(key.columns)}) (${dup.method})${fails ? `: the unique index cannot be built; e.g. ${shown.join(', ')}` : ''}`,
      estimate: false,
      ...(fails ? { fails, headline: `${formatCount(dup.groups ?? 0)} duplicate ${dup.groups === 1 ? 'key' : 'keys'} in ${t.name} (${quoteList(key.columns)})` } : {}),
      data: { table: t.name, columns: key.columns, duplicateKeys: dup.groups ?? null, duplicateRows: dup.rows ?? null, method: dup.method, examples: shown },
    });
    await collation(ctx, t, key.columns);
  }
}

async function collation(ctx: StatementCtx, t: LiveTable, columns: string[]): Promise<void> {
  const { rows } = await ctx.db.query<{ column: string; type: string; collation: string; provider: string; locale: string | null; deterministic: boolean }>(
    `SELECT a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
            CASE WHEN co.collname = 'default' THEN 'default' ELSE co.collname END AS collation,
            CASE WHEN co.collname = 'default' THEN (SELECT CASE WHEN to_jsonb(d) ? 'datlocprovider' THEN to_jsonb(d)->>'datlocprovider' ELSE 'c' END FROM pg_database d WHERE d.datname = current_database())
                 ELSE co.collprovider::text END AS provider,
            CASE WHEN co.collname = 'default' THEN (SELECT coalesce(to_jsonb(d)->>'daticulocale', d.datcollate) FROM pg_database d WHERE d.datname = current_database())
                 ELSE co.collcollate END AS locale,
            co.collisdeterministic AS deterministic
       FROM pg_attribute a JOIN pg_collation co ON co.oid = a.attcollation
      WHERE a.attrelid = $1::oid AND a.attname = ANY ($2::text[]) AND a.attcollation <> 0
      ORDER BY array_position($2::text[], a.attname::text)`,
    [t.oid, columns],
  );
  if (rows.length === 0) return;
  const providers: Record<string, string> = { c: 'libc', i: 'icu', d: 'default', b: 'builtin' };
  // Collations that compare bytes or code points (C, POSIX, C.UTF-8, ucs_basic, the builtin provider's C and
  // C.UTF-8): their order never changes with a libc or ICU upgrade.
  const codePoint = /^(c|posix|c\.utf-?8)$/i;
  const bytewise = (r: (typeof rows)[number]) =>
    ['ucs_basic', 'pg_c_utf8'].includes(r.collation.toLowerCase()) || codePoint.test(r.collation) || (r.collation === 'default' && r.provider !== 'i' && codePoint.test(r.locale ?? ''));
  const linguistic = rows.filter((r) => !bytewise(r) || !r.deterministic).map((r) => r.column);
  const parts = rows.map((r) => `${quoteIdent(r.column)} ${r.type} COLLATE ${r.collation === 'default' ? `the database default` : quoteIdent(r.collation)} (${providers[r.provider] ?? r.provider}${r.locale ? ` "${r.locale}"` : ''}${r.deterministic ? '' : ', nondeterministic'})`);
  ctx.facts.push({
    kind: 'collation',
    text: `unique key collation in the live database: ${parts.join('; ')}; ${
      linguistic.length
        ? `${linguistic.map(quoteIdent).join(', ')} ${linguistic.length === 1 ? 'compares' : 'compare'} linguistically: uniqueness follows the collation library (glibc/ICU), whose order can change with an upgrade`
        : 'bytewise: stable across libc and ICU upgrades'
    }`,
    estimate: false,
    data: {
      table: t.name,
      linguistic,
      columns: rows.map((r) => ({ column: r.column, type: r.type, collation: r.collation, provider: providers[r.provider] ?? r.provider, locale: r.locale, deterministic: r.deterministic, bytewise: bytewise(r) })),
    },
  });
}

/** Sessions holding (or waiting for) locks on each statement's tables right now: idle in transaction, or in a
 *  transaction older than longTransactionMs. The migration would queue behind them. */
async function sessions(db: ReadOnlySession, o: Required<LiveCheckOptions>, touchedBy: Map<number, LiveTable[]>, statements: LiveStatementFacts[]): Promise<void> {
  const oids = [...new Set([...touchedBy.values()].flat().map((t) => t.oid))];
  if (oids.length === 0) return;
  const lockers = await tableLockers(db as unknown as Queryable, oids, [db.pid]);
  const notable = lockers.filter((s) => (s.state ?? '').startsWith('idle in transaction') || (s.xactAgeMs ?? 0) >= o.longTransactionMs);
  if (notable.length === 0) return;
  for (const [index, touched] of touchedBy) {
    const mine = notable.filter((s) => touched.some((t) => t.oid === s.relationOid));
    if (mine.length === 0) continue;
    const byPid = new Map<number, (typeof mine)[number]>();
    for (const s of mine) if (!byPid.has(s.pid)) byPid.set(s.pid, s);
    const list = [...byPid.values()];
    const text = list
      .map((s) => `pid ${s.pid} (${s.state ?? 'unknown'}${s.xactAgeMs !== null ? `, transaction open ${Math.round(s.xactAgeMs / 1000)} s` : ''}) holds ${s.lock.mode} on ${s.lock.table}${s.query ? `: ${s.query}` : ''}`)
      .join('; ');
    const entry = statements.find((s) => s.statement === index) ?? (statements.push({ statement: index, facts: [] }), statements.at(-1)!);
    entry.facts.push({
      kind: 'sessions',
      text: `right now: ${text}`,
      estimate: false,
      data: { sessions: list.map(({ relationOid: _, ...s }) => s) },
    });
  }
}

function clip(s: string, max = 120): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
