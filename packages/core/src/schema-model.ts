import type { ParsedStatement } from './parse.js';
import type { ColumnDef } from '@pgsql/types';
import { as, strings, tableRef, typeInfo, type TableRef, type TypeInfo } from './ast.js';
import { declaredConstraints } from './constraints.js';

/** A column as the migration defines it. */
export interface ColumnInfo {
  type: TypeInfo;
  /** Explicit COLLATE of the column definition, lower-cased. */
  collation?: string;
  /** The statement that defined (or last retyped) it. */
  statementIndex: number;
}

/** An index known from the migration itself (CREATE INDEX, or the index behind a PRIMARY KEY / UNIQUE). */
export interface KnownIndex {
  table: string;
  /** Key columns in order; empty for expression-only indexes. */
  columns: string[];
  unique: boolean;
  statementIndex: number;
}

/** What the migration itself says about the schema: tables it creates, columns and indexes it defines. */
export class SchemaModel {
  /** Table key → index of the statement that creates it. */
  readonly createdTables = new Map<string, number>();
  /** `table key / column` → its definitions in statement order (CREATE TABLE, ADD COLUMN, ALTER ... TYPE). */
  readonly #columns = new Map<string, ColumnInfo[]>();
  readonly indexes: KnownIndex[] = [];

  constructor(statements: ParsedStatement[]) {
    for (const stmt of statements) this.#learn(stmt);
  }

  /** The table is created by this migration before statement `before`: it is empty and nobody else uses it yet. */
  isNewTable(table: TableRef | undefined, before: number): boolean {
    if (!table) return false;
    const at = this.createdTables.get(table.key);
    return at !== undefined && at < before;
  }

  /** The column as defined by the statements before `before` (default: the whole migration). */
  column(table: TableRef, column: string, before = Infinity): ColumnInfo | undefined {
    return this.#columns.get(`${table.key}/${column}`)?.filter((c) => c.statementIndex < before).at(-1);
  }

  #addColumn(table: TableRef, name: string | undefined, col: ColumnDef, statementIndex: number): void {
    const type = typeInfo(col.typeName);
    if (!name || !type) return;
    const key = `${table.key}/${name}`;
    const collation = strings(col.collClause?.collname).at(-1)?.toLowerCase();
    if (!this.#columns.has(key)) this.#columns.set(key, []);
    this.#columns.get(key)!.push({ type, ...(collation ? { collation } : {}), statementIndex });
  }

  #learn(stmt: ParsedStatement): void {
    // The index behind every PRIMARY KEY and UNIQUE constraint, wherever it is declared.
    for (const { table, con, columns } of declaredConstraints(stmt.node)) {
      if (con.contype === 'CONSTR_PRIMARY' || con.contype === 'CONSTR_UNIQUE')
        this.indexes.push({ table: table.key, columns, unique: true, statementIndex: stmt.index });
    }
    const create = as(stmt.node, 'CreateStmt');
    if (create) {
      const table = tableRef(create.relation);
      if (!table) return;
      this.createdTables.set(table.key, stmt.index);
      for (const elt of create.tableElts ?? []) {
        const col = as(elt, 'ColumnDef');
        if (col) this.#addColumn(table, col.colname, col, stmt.index);
      }
      return;
    }
    const ctas = as(stmt.node, 'CreateTableAsStmt');
    if (ctas) {
      const table = tableRef(ctas.into?.rel);
      if (table) this.createdTables.set(table.key, stmt.index);
      return;
    }
    const index = as(stmt.node, 'IndexStmt');
    if (index) {
      const table = tableRef(index.relation);
      if (!table) return;
      const columns = (index.indexParams ?? []).map((p) => as(p, 'IndexElem')?.name).filter((n): n is string => !!n);
      this.indexes.push({ table: table.key, columns, unique: !!index.unique, statementIndex: stmt.index });
      return;
    }
    const alter = as(stmt.node, 'AlterTableStmt');
    if (alter) {
      const table = tableRef(alter.relation);
      if (!table) return;
      for (const cmdNode of alter.cmds ?? []) {
        const cmd = as(cmdNode, 'AlterTableCmd');
        const col = as(cmd?.def, 'ColumnDef');
        if (col && cmd?.subtype === 'AT_AddColumn') this.#addColumn(table, col.colname, col, stmt.index);
        if (col && cmd?.subtype === 'AT_AlterColumnType') this.#addColumn(table, cmd.name, col, stmt.index);
      }
      return;
    }
    const rename = as(stmt.node, 'RenameStmt');
    if (rename?.renameType === 'OBJECT_TABLE') {
      const from = tableRef(rename.relation);
      if (from && rename.newname && this.createdTables.has(from.key)) {
        this.createdTables.set(`${from.schema ?? 'public'}.${rename.newname}`, this.createdTables.get(from.key)!);
      }
    }
  }
}
