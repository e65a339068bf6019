/** The rollback (`down()`) of the ORM migrations a fix writes: each statement of the fixed `up()` undone, in reverse
 *  order, in the same safe style (an index dropped CONCURRENTLY outside any transaction, the rest in short
 *  transactions under the same timeouts). A statement that cannot be undone without losing data or guessing the
 *  state before it (a dropped column, a changed type, a backfill of an existing column, an opaque DO block) makes the
 *  whole down() refuse before it runs anything, naming the step: a rollback never half-reverses. */
import type { Node } from '@pgsql/types';
import { as, commentTarget, strings, tableRef, type TableRef } from '../ast.js';
import { parseMigration } from '../parse.js';
import { quoteIdent } from '../sql.js';
import type { FixResult, FixStep } from './types.js';

/** What undoes one step: statements to run in one transaction, or each alone outside any (DROP INDEX CONCURRENTLY). */
export interface DownPart {
  statements: string[];
  transactional: boolean;
}

export type Down =
  /** Per step of the input, in the same order: the parts undoing it, in the order they run. */
  | { perStep: DownPart[][] }
  /** The first statement that cannot be undone: `step <i>/<n> (<statement>): <why>`. */
  | { irreversible: string };

interface Undo {
  sql?: string;
  transactional?: boolean;
  /** Why the statement cannot be undone. */
  cannot?: string;
}

/** What the steps of one migration (one deploy, or the parts MikroORM reverts together) created, so that what they
 *  did to it is undone by dropping it. */
interface Created {
  tables: Set<string>;
  columns: Set<string>;
  constraints: Set<string>;
}

export function downOf(result: FixResult, steps: FixStep[]): Down {
  const parsed = steps.map((s) => parseMigration(s.sql, result.file).statements);
  const created: Created = { tables: new Set(), columns: new Set(), constraints: new Set() };
  for (const statements of parsed) for (const s of statements) noteCreated(s.node, created);
  const perStep: DownPart[][] = [];
  for (const [i, statements] of parsed.entries()) {
    const parts: DownPart[] = [];
    // The partitions' indexes of the partitioned-index recipe go with their parent's index.
    if (steps[i]!.slug === 'partition_indexes') {
      perStep.push(parts);
      continue;
    }
    for (const stmt of [...statements].reverse()) {
      const undos = undo(stmt.node, created);
      for (const u of undos) {
        if (u.cannot) return { irreversible: `step ${i + 1}/${steps.length} (${brief(stmt.text)}): ${u.cannot}` };
        if (!u.sql) continue;
        const transactional = u.transactional !== false;
        const last = parts.at(-1);
        if (last && last.transactional && transactional) last.statements.push(u.sql);
        else parts.push({ statements: [u.sql], transactional });
      }
    }
    perStep.push(parts);
  }
  return { perStep };
}

/** The parts undoing all of `steps`, last step first, neighbouring transactional parts in one transaction. */
export function downParts(perStep: DownPart[][]): DownPart[] {
  const out: DownPart[] = [];
  for (const parts of [...perStep].reverse()) {
    for (const part of parts) {
      const last = out.at(-1);
      if (last && last.transactional && part.transactional) last.statements.push(...part.statements);
      else out.push({ statements: [...part.statements], transactional: part.transactional });
    }
  }
  return out;
}

/** The message a refusing down() throws. */
export function irreversibleMessage(name: string, why: string): string {
  return `${name}: no automatic rollback: ${why}. Nothing was rolled back; write this down() by hand if you need one`;
}

function brief(text: string): string {
  const line = text.trim().replace(/\s+/g, ' ');
  return line.length > 90 ? `${line.slice(0, 87)}...` : line;
}

const columnKey = (table: TableRef, column: string) => `${table.key}.${column}`;

function noteCreated(node: Node, created: Created): void {
  const create = as(node, 'CreateStmt');
  const table = tableRef(create?.relation);
  if (table) created.tables.add(table.key);
  const alter = as(node, 'AlterTableStmt');
  const altered = tableRef(alter?.relation);
  if (!alter || !altered) return;
  for (const c of alter.cmds ?? []) {
    const cmd = as(c, 'AlterTableCmd');
    const column = as(cmd?.def, 'ColumnDef')?.colname;
    if (cmd?.subtype === 'AT_AddColumn' && column) created.columns.add(columnKey(altered, column));
    const conname = as(cmd?.def, 'Constraint')?.conname;
    if (cmd?.subtype === 'AT_AddConstraint' && conname) created.constraints.add(columnKey(altered, conname));
  }
}

/** What undoes one statement (several for an ALTER TABLE with several subcommands, in reverse). */
function undo(node: Node, created: Created): Undo[] {
  const create = as(node, 'CreateStmt');
  if (create) {
    const table = tableRef(create.relation)!;
    return [{ sql: `DROP TABLE IF EXISTS ${table.sql}` }];
  }
  const index = as(node, 'IndexStmt');
  if (index) {
    const table = tableRef(index.relation)!;
    if (created.tables.has(table.key)) return [];
    if (!index.idxname) return [{ cannot: 'an index without a name: the name PostgreSQL gave it is not known here' }];
    const name = `${table.schema ? `${quoteIdent(table.schema)}.` : ''}${quoteIdent(index.idxname)}`;
    // Dropped as it was built: CONCURRENTLY outside a transaction, or plainly inside one (a partitioned table's
    // index, which cannot be dropped CONCURRENTLY and takes its partitions' indexes with it).
    return index.concurrent ? [{ sql: `DROP INDEX CONCURRENTLY IF EXISTS ${name}`, transactional: false }] : [{ sql: `DROP INDEX IF EXISTS ${name}` }];
  }
  const alter = as(node, 'AlterTableStmt');
  if (alter && (!alter.objtype || alter.objtype === 'OBJECT_TABLE')) {
    const table = tableRef(alter.relation)!;
    if (created.tables.has(table.key)) return [];
    return (alter.cmds ?? []).map((c) => undoAlter(table, as(c, 'AlterTableCmd')!, created)).reverse();
  }
  const rename = as(node, 'RenameStmt');
  if (rename && rename.renameType === 'OBJECT_COLUMN' && rename.relation && rename.subname && rename.newname) {
    const table = tableRef(rename.relation)!;
    return [{ sql: `ALTER TABLE ${table.sql} RENAME COLUMN ${quoteIdent(rename.newname)} TO ${quoteIdent(rename.subname)}` }];
  }
  if (rename && rename.renameType === 'OBJECT_TABLE' && rename.relation && rename.newname) {
    const table = tableRef(rename.relation)!;
    const renamed = `${table.schema ? `${quoteIdent(table.schema)}.` : ''}${quoteIdent(rename.newname)}`;
    return [{ sql: `ALTER TABLE ${renamed} RENAME TO ${quoteIdent(table.name)}` }];
  }
  const enumType = as(node, 'CreateEnumStmt');
  if (enumType) return [{ sql: `DROP TYPE IF EXISTS ${strings(enumType.typeName).map(quoteIdent).join('.')}` }];
  // Settings and transaction control change nothing a rollback must undo.
  if (as(node, 'VariableSetStmt') || as(node, 'TransactionStmt')) return [];
  const comment = as(node, 'CommentStmt');
  if (comment && commentOnCreated(comment, created)) return [];
  const backfilled = backfillTarget(node);
  if (backfilled) {
    return created.columns.has(backfilled) ? [] : [{ cannot: 'a backfill of an existing column: the values it replaced are not kept' }];
  }
  if (as(node, 'DropStmt')) return [{ cannot: 'a DROP: what it dropped cannot be brought back' }];
  return [{ cannot: 'pgsafe does not know how to undo this statement' }];
}

function undoAlter(table: TableRef, cmd: NonNullable<ReturnType<typeof as<'AlterTableCmd'>>>, created: Created): Undo {
  const column = cmd.name;
  switch (cmd.subtype) {
    case 'AT_AddColumn': {
      const name = as(cmd.def, 'ColumnDef')?.colname;
      return name ? { sql: `ALTER TABLE ${table.sql} DROP COLUMN IF EXISTS ${quoteIdent(name)}` } : { cannot: 'an added column without a name' };
    }
    case 'AT_AddConstraint': {
      const name = as(cmd.def, 'Constraint')?.conname;
      return name ? { sql: `ALTER TABLE ${table.sql} DROP CONSTRAINT IF EXISTS ${quoteIdent(name)}` } : { cannot: 'a constraint without a name: the name PostgreSQL gave it is not known here' };
    }
    case 'AT_ValidateConstraint':
      return {};
    case 'AT_SetNotNull':
      return column && created.columns.has(columnKey(table, column)) ? {} : { sql: `ALTER TABLE ${table.sql} ALTER COLUMN ${quoteIdent(column!)} DROP NOT NULL` };
    case 'AT_ColumnDefault':
      // The default of a column added here goes with it; an existing column's earlier default is not known.
      return column && created.columns.has(columnKey(table, column)) ? {} : { cannot: "a changed default: the column's earlier default is not known here" };
    case 'AT_DropConstraint':
      // A constraint the same migration added for a while (the NOT NULL recipe's CHECK) is gone either way.
      return column && created.constraints.has(columnKey(table, column)) ? {} : { cannot: 'a dropped constraint: its definition is not known here' };
    case 'AT_DropColumn':
      return { cannot: "a dropped column: its data cannot be brought back" };
    case 'AT_AlterColumnType':
      return { cannot: "a changed column type: the column's earlier type is not known here" };
    case 'AT_DropNotNull':
      return { cannot: 'a dropped NOT NULL: rows written since may hold NULLs' };
    default:
      return { cannot: 'pgsafe does not know how to undo this ALTER TABLE' };
  }
}

function commentOnCreated(comment: NonNullable<ReturnType<typeof as<'CommentStmt'>>>, created: Created): boolean {
  const target = commentTarget(comment);
  if (!target) return false;
  return created.tables.has(target.table.key) || (target.column !== undefined && created.columns.has(columnKey(target.table, target.column)));
}

/** `schema.table.column` a backfill (an UPDATE, or the fix's batched DO loop of UPDATEs) writes. */
function backfillTarget(node: Node): string | undefined {
  const update = as(node, 'UpdateStmt');
  const table = tableRef(update?.relation);
  const set = update?.targetList?.map((t) => as(t, 'ResTarget')?.name).filter(Boolean) ?? [];
  if (table && set.length === 1) return columnKey(table, set[0]!);
  const loop = as(node, 'DoStmt') && /\bUPDATE\s+((?:"[^"]+"|\w+)(?:\.(?:"[^"]+"|\w+))?)\s+SET\s+("[^"]+"|\w+)\s*=/i.exec(JSON.stringify(node).replace(/\\n/g, '\n').replace(/\\"/g, '"'));
  if (!loop) return undefined;
  const parts = loop[1]!.split('.').map(unquote);
  return columnKey(parts.length > 1 ? { schema: parts[0], name: parts[1]!, sql: '', key: `${parts[0]}.${parts[1]}` } : { name: parts[0]!, sql: '', key: `public.${parts[0]}` }, unquote(loop[2]!));
}

const unquote = (name: string) => (name.startsWith('"') ? name.slice(1, -1).replace(/""/g, '"') : name.toLowerCase());
