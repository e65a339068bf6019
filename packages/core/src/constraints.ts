import type { Constraint, Node } from '@pgsql/types';
import { as, columnNames, tableRef, type TableRef } from './ast.js';
import { cachedOn } from './cached-on.js';

/** A constraint a statement declares, with the columns it applies to. */
export interface DeclaredConstraint {
  table: TableRef;
  con: Constraint;
  /** The column it is written on (`col int REFERENCES t`), else its key list (`fk_attrs` for foreign keys). */
  columns: string[];
  /** Declared inline on a column of ADD COLUMN (vs. CREATE TABLE or ADD CONSTRAINT). */
  onAddedColumn: boolean;
}

/** Constraints declared by CREATE TABLE (column and table constraints) and ALTER TABLE (ADD CONSTRAINT, and those
 *  written on an added column). */
const CONSTRAINTS = Symbol('declaredConstraints');

/** Cached per statement: several rules and the schema model read the same declarations. */
export function declaredConstraints(node: Node): DeclaredConstraint[] {
  return cachedOn(node, CONSTRAINTS, collectConstraints);
}

function collectConstraints(node: Node): DeclaredConstraint[] {
  const create = as(node, 'CreateStmt');
  const alter = as(node, 'AlterTableStmt');
  const table = tableRef(create?.relation ?? alter?.relation);
  if (!table) return [];
  const found: DeclaredConstraint[] = [];
  const add = (n: Node | undefined, column: string | undefined, onAddedColumn: boolean) => {
    const con = as(n, 'Constraint');
    if (!con) return;
    const columns = column ? [column] : columnNames(con.contype === 'CONSTR_FOREIGN' ? con.fk_attrs : con.keys);
    found.push({ table, con, columns, onAddedColumn });
  };
  for (const elt of create?.tableElts ?? []) {
    const col = as(elt, 'ColumnDef');
    if (col) col.constraints?.forEach((c) => add(c, col.colname, false));
    else add(elt, undefined, false);
  }
  for (const c of alter?.cmds ?? []) {
    const cmd = as(c, 'AlterTableCmd');
    if (cmd?.subtype === 'AT_AddConstraint') add(cmd.def, undefined, false);
    const col = cmd?.subtype === 'AT_AddColumn' ? as(cmd.def, 'ColumnDef') : undefined;
    col?.constraints?.forEach((k) => add(k, col.colname, true));
  }
  return found;
}
