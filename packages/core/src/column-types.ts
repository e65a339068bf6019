import type { ColumnDef, Node } from '@pgsql/types';
import { as, typeInfo, type TypeInfo } from './ast.js';
import { quoteIdent } from './sql.js';
import { cachedOn } from './cached-on.js';

/** A column type a statement declares: in CREATE TABLE, ADD COLUMN, or ALTER COLUMN ... TYPE. */
export interface DeclaredColumn {
  name: string;
  def: ColumnDef;
  type: TypeInfo;
  /** Byte offset of the type in the source, to point at. */
  location?: number;
}

const COLUMNS = Symbol('declaredColumns');

/** Cached per statement: several rules read the same declarations. */
export function declaredColumns(node: Node): DeclaredColumn[] {
  return cachedOn(node, COLUMNS, collectColumns);
}

function collectColumns(node: Node): DeclaredColumn[] {
  const found: DeclaredColumn[] = [];
  const add = (def: ColumnDef | undefined, name: string | undefined) => {
    const type = typeInfo(def?.typeName);
    if (def && name && type) found.push({ name, def, type, location: def.typeName?.location ?? def.location });
  };
  for (const elt of as(node, 'CreateStmt')?.tableElts ?? []) {
    const col = as(elt, 'ColumnDef');
    add(col, col?.colname);
  }
  for (const c of as(node, 'AlterTableStmt')?.cmds ?? []) {
    const cmd = as(c, 'AlterTableCmd');
    const col = as(cmd?.def, 'ColumnDef');
    if (cmd?.subtype === 'AT_AddColumn') add(col, col?.colname);
    if (cmd?.subtype === 'AT_AlterColumnType') add(col, cmd.name);
  }
  return found;
}

/** "column a" / "columns a, b and c" (names quoted as needed), for one finding that covers several columns. */
export function columnsPhrase(names: string[]): string {
  const quoted = names.map(quoteIdent);
  if (quoted.length === 1) return `column ${quoted[0]}`;
  return `columns ${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1)}`;
}

export function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
