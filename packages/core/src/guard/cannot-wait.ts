/**
 * Statements that cannot queue behind another session's lock: every relation they name is a table the same
 * transaction created (it holds ACCESS EXCLUSIVE on it since the CREATE, which nobody else saw), and they are of a
 * kind whose table locks are on the relations they name; a CREATE TABLE that names no other table (it could wait
 * only for another session creating the same name, under the timeouts in force); a COMMENT ON TABLE or COLUMN of such
 * a table (its only lock is on that table). The guard sends them without a savepoint and timeouts of
 * their own (two round trips fewer): there is no lock to wait for and so nothing to retry, and the timeouts set
 * for the transaction's earlier guarded statement (the CREATE's, at the latest) are still in force (SET LOCAL lasts
 * until the transaction ends), so a function in it that reads another table still cannot wait forever.
 */
import { as, commentTarget, tableRef } from '../ast.js';
import type { RangeVar } from '@pgsql/types';
import type { ParsedStatement } from '../parse.js';

/** Kinds whose locks are those of the relations they name (a COMMENT's object, a function's body are not). A
 *  CREATE TABLE waits for no lock of its own: only for the tables its foreign keys, LIKE or PARTITION OF name. */
const KINDS = new Set(['AlterTableStmt', 'IndexStmt', 'InsertStmt', 'UpdateStmt', 'DeleteStmt', 'CreateStmt']);

/** The statement names only tables for which `created` is true (and names one at least, besides the one it creates). */
export function cannotWait(stmt: ParsedStatement, created: (key: string) => boolean): boolean {
  const comment = as(stmt.node, 'CommentStmt');
  if (comment) {
    const target = commentTarget(comment);
    return target !== undefined && created(target.table.key);
  }
  if (!KINDS.has(stmt.kind) || as(stmt.node, 'IndexStmt')?.concurrent) return false;
  const own = as(stmt.node, 'CreateStmt')?.relation;
  const relations = namedRelations(stmt.node).filter((rv) => rv !== own);
  return (own !== undefined || relations.length > 0) && relations.every((rv) => {
    const table = tableRef(rv);
    return !!table && created(table.key);
  });
}

/** The table a CREATE TABLE (or CREATE TABLE ... AS, SELECT INTO) creates; none for IF NOT EXISTS, which may find
 *  the table there (in use) and create nothing. */
export function createdTable(stmt: ParsedStatement): string | undefined {
  const create = as(stmt.node, 'CreateStmt');
  const as_ = as(stmt.node, 'CreateTableAsStmt');
  if (create?.if_not_exists || as_?.if_not_exists) return undefined;
  return tableRef(create?.relation ?? as_?.into?.rel)?.key;
}

/** Every relation the statement names, wherever (a RangeVar is the only node with `relname`): FROM lists, foreign
 *  keys' tables, partitions, CTE names (which then count as not created: conservative). */
function namedRelations(node: unknown): RangeVar[] {
  const found: RangeVar[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      if (typeof (v as RangeVar).relname === 'string') found.push(v as RangeVar);
      for (const key in v) walk((v as Record<string, unknown>)[key]);
    }
  };
  walk(node);
  return found;
}
