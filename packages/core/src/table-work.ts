/** Which statements hold their lock for a time that grows with the table: rewrites, full scans, index builds.
 *  Checked on PostgreSQL with pg_relation_filenode (rewrite) and the table's scan count (scan). */
import type { AlterTableCmd, Constraint } from '@pgsql/types';
import type { ParsedStatement } from './parse.js';
import type { SchemaModel } from './schema-model.js';
import { as, calledFunctions, columnConstraints, tableRef, typeInfo, type TableRef, type TypeInfo } from './ast.js';

const TEXTUAL = new Set(['text', 'varchar']);

/** Type changes PostgreSQL makes in the catalog only (binary-coercible, no tighter modifier; PG 9.2+): the table is
 *  not rewritten and its indexes are kept. timestamp ↔ timestamptz also skips the rewrite from PG 12, but only when
 *  the session TimeZone is UTC, which the migration file does not tell: not listed here. */
export function retypeWithoutRewrite(from: TypeInfo, to: TypeInfo): boolean {
  if (from.array !== to.array) return false;
  if (from.name === to.name && from.mods.join() === to.mods.join()) return true;
  // varchar(n) → varchar(m ≥ n), varchar or text; text → varchar (no length).
  if (TEXTUAL.has(from.name) && TEXTUAL.has(to.name)) return widens(from, to);
  if (from.name === 'varbit' && to.name === 'varbit') return widens(from, to);
  // numeric(p, s) → numeric(p2 ≥ p, s) or unconstrained numeric.
  if (from.name === 'numeric' && to.name === 'numeric') {
    if (to.mods.length === 0) return true;
    return from.mods.length > 0 && (to.mods[1] ?? 0) === (from.mods[1] ?? 0) && to.mods[0]! >= from.mods[0]!;
  }
  return false;
}

/** The new length limit admits every old value: none, or at least the old one (text has none). */
function widens(from: TypeInfo, to: TypeInfo): boolean {
  if (to.mods.length === 0) return true;
  return from.name !== 'text' && from.mods.length > 0 && to.mods[0]! >= from.mods[0]!;
}

/** Functions common in defaults that PostgreSQL must call once per row (a volatile default rewrites the table). */
export const VOLATILE = new Set(['random', 'gen_random_uuid', 'uuid_generate_v1', 'uuid_generate_v1mc', 'uuid_generate_v4', 'uuidv4', 'uuidv7', 'clock_timestamp', 'timeofday', 'nextval', 'statement_timestamp', 'txid_current', 'setseed']);
export const SERIAL = new Set(['serial', 'serial4', 'bigserial', 'serial8', 'smallserial', 'serial2']);

/** Work on an existing table that takes longer the bigger the table is. */
export interface TableWork {
  table: TableRef;
  /** e.g. "rewrites users", "scans users", "builds an index on users". */
  does: string;
}

/** What `stmt` does to an existing table, under its lock, that takes longer the bigger the table. undefined when it
 *  changes only the catalog (instant once the lock is granted) or works on a table created earlier in the migration. */
export function tableWork(stmt: ParsedStatement, schema: SchemaModel, pgVersion: number): TableWork | undefined {
  const n = stmt.node;
  const existing = (table: TableRef | undefined) => (table && !schema.isNewTable(table, stmt.index) ? table : undefined);

  const index = as(n, 'IndexStmt');
  const indexed = existing(tableRef(index?.relation));
  if (index && indexed && !index.concurrent) return { table: indexed, does: `builds an index on ${indexed.sql}` };

  const reindex = as(n, 'ReindexStmt');
  const reindexed = existing(tableRef(reindex?.relation));
  if (reindex?.kind === 'REINDEX_OBJECT_TABLE' && reindexed && !(reindex.params ?? []).some((o) => as(o, 'DefElem')?.defname === 'concurrently')) {
    return { table: reindexed, does: `rebuilds the indexes of ${reindexed.sql}` };
  }
  const vacuum = as(n, 'VacuumStmt');
  if (vacuum && (vacuum.options ?? []).some((o) => as(o, 'DefElem')?.defname === 'full')) {
    const table = (vacuum.rels ?? []).map((r) => existing(tableRef(as(r, 'VacuumRelation')?.relation))).find(Boolean);
    if (table) return { table, does: `rewrites ${table.sql}` };
  }
  const clustered = existing(tableRef(as(n, 'ClusterStmt')?.relation));
  if (clustered) return { table: clustered, does: `rewrites ${clustered.sql}` };

  const refresh = as(n, 'RefreshMatViewStmt');
  const refreshed = existing(tableRef(refresh?.relation));
  if (refresh && refreshed && !refresh.concurrent) return { table: refreshed, does: `recomputes ${refreshed.sql}` };

  const alter = as(n, 'AlterTableStmt');
  const altered = existing(tableRef(alter?.relation));
  if (!alter || !altered || (alter.objtype !== 'OBJECT_TABLE' && alter.objtype !== 'OBJECT_MATVIEW')) return undefined;
  const cmds = (alter.cmds ?? []).map((c) => as(c, 'AlterTableCmd')).filter((c): c is AlterTableCmd => !!c);
  if (cmds.some((cmd) => rewrites(cmd, altered, stmt.index, schema, pgVersion))) return { table: altered, does: `rewrites ${altered.sql}` };
  if (cmds.some(buildsIndex)) return { table: altered, does: `builds an index on ${altered.sql}` };
  if (cmds.some(scans)) return { table: altered, does: `scans ${altered.sql}` };
  return undefined;
}

function rewrites(cmd: AlterTableCmd, table: TableRef, before: number, schema: SchemaModel, pgVersion: number): boolean {
  switch (cmd.subtype) {
    case 'AT_SetLogged':
    case 'AT_SetUnLogged':
    case 'AT_SetTableSpace':
    case 'AT_SetAccessMethod':
    case 'AT_SetExpression':
      return true;
    case 'AT_AlterColumnType': {
      const def = as(cmd.def, 'ColumnDef');
      const to = typeInfo(def?.typeName);
      const from = cmd.name ? schema.column(table, cmd.name, before)?.type : undefined;
      return !!def?.raw_default || !from || !to || !retypeWithoutRewrite(from, to);
    }
    case 'AT_AddColumn': {
      const col = as(cmd.def, 'ColumnDef');
      if (!col) return false;
      const cons = columnConstraints(col);
      const def = cons.find((c) => c.contype === 'CONSTR_DEFAULT');
      return (
        SERIAL.has(typeInfo(col.typeName)?.name ?? '') ||
        cons.some((c) => c.contype === 'CONSTR_IDENTITY' || (c.contype === 'CONSTR_GENERATED' && c.generated_kind !== 'v')) ||
        (!!def && (pgVersion < 11 || calledFunctions(def.raw_expr).some((f) => VOLATILE.has(f))))
      );
    }
    default:
      return false;
  }
}

/** A PRIMARY KEY, UNIQUE or EXCLUDE built from the table's rows (not attached from an existing index). */
function buildsIndex(cmd: AlterTableCmd): boolean {
  const built = (c: Constraint) => (c.contype === 'CONSTR_PRIMARY' || c.contype === 'CONSTR_UNIQUE' || c.contype === 'CONSTR_EXCLUSION') && !c.indexname;
  if (cmd.subtype === 'AT_AddConstraint') return built(as(cmd.def, 'Constraint') ?? {});
  const col = cmd.subtype === 'AT_AddColumn' ? as(cmd.def, 'ColumnDef') : undefined;
  return !!col && columnConstraints(col).some(built);
}

/** Validation reads every row: SET NOT NULL, a CHECK or FOREIGN KEY without NOT VALID, a new column's CHECK or its
 *  NOT NULL without a default. (A new column's REFERENCES is not checked: the column is all NULL.) */
function scans(cmd: AlterTableCmd): boolean {
  if (cmd.subtype === 'AT_SetNotNull') return true;
  const con = cmd.subtype === 'AT_AddConstraint' ? as(cmd.def, 'Constraint') : undefined;
  if (con) return (con.contype === 'CONSTR_CHECK' || con.contype === 'CONSTR_FOREIGN') && !con.skip_validation;
  const col = cmd.subtype === 'AT_AddColumn' ? as(cmd.def, 'ColumnDef') : undefined;
  if (!col) return false;
  const cons = columnConstraints(col);
  const filled = cons.some((c) => c.contype === 'CONSTR_DEFAULT' || c.contype === 'CONSTR_IDENTITY' || c.contype === 'CONSTR_GENERATED');
  return cons.some((c) => c.contype === 'CONSTR_CHECK' || (c.contype === 'CONSTR_NOTNULL' && !filled));
}
