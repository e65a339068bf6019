import type { ParsedStatement } from './parse.js';
import { as, strings, tableRef, type TableRef, type TypeInfo } from './ast.js';
import { declaredConstraints } from './constraints.js';
import { declaredColumns as definedColumns } from './column-types.js';

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
  /** Table key → the statements that define its columns (CREATE TABLE, ADD COLUMN, ALTER ... TYPE), in order. Columns
   *  are read from them only when a rule asks: most columns are never asked about, and learning each one up front
   *  was the largest allocation of a whole check. */
  readonly #columnSources = new Map<string, ParsedStatement[]>();
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
    let found: ColumnInfo | undefined;
    for (const stmt of this.#columnSources.get(table.key) ?? []) {
      if (stmt.index >= before) break;
      for (const { name, def, type } of definedColumns(stmt.node)) {
        if (name !== column) continue;
        const collation = strings(def.collClause?.collname).at(-1)?.toLowerCase();
        found = { type, ...(collation ? { collation } : {}), statementIndex: stmt.index };
      }
    }
    return found;
  }

  #addColumnSource(table: TableRef, stmt: ParsedStatement): void {
    const list = this.#columnSources.get(table.key);
    if (list) list.push(stmt);
    else this.#columnSources.set(table.key, [stmt]);
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
      this.#addColumnSource(table, stmt);
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
      if (definedColumns(stmt.node).length > 0) this.#addColumnSource(table, stmt);
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
