/** NOT NULL on a table with rows, without a long ACCESS EXCLUSIVE scan:
 *  ADD COLUMN ... NOT NULL (no default) → add it nullable, backfill in batches, then the SET NOT NULL path;
 *  SET NOT NULL → CHECK (col IS NOT NULL) NOT VALID, VALIDATE in its own transaction, SET NOT NULL (PG 12+ skips its
 *  scan thanks to the validated check), drop the check. */
import type { Node } from '@pgsql/types';
import { as, columnConstraints, sqlOf, type TableRef } from '../ast.js';
import { notNullCheckName, quoteIdent } from '../sql.js';
import { backfillPiece, backfillValue } from './backfill.js';
import { findingAt } from './finding-at.js';
import type { FixContext, Piece, Rewrite } from './types.js';

export function requiredColumn(ctx: FixContext): Rewrite | undefined {
  const alter = as(ctx.node, 'AlterTableStmt');
  const cmd = as(alter?.cmds?.[0], 'AlterTableCmd');
  const col = cmd?.subtype === 'AT_AddColumn' ? as(cmd.def, 'ColumnDef') : undefined;
  const finding = col && findingAt(ctx, ['adding-required-field'], col.location);
  if (!finding || !ctx.table || !col?.colname || ctx.options.pgVersion < 12) return undefined;
  const constraints = columnConstraints(col);
  // Only plain NOT NULL: a PRIMARY KEY or other inline constraint needs its own index or validation plan.
  if (constraints.some((k) => k.contype !== 'CONSTR_NOTNULL')) return undefined;
  const nullable: Node = { AlterTableStmt: { ...alter!, cmds: [{ AlterTableCmd: { ...cmd!, def: { ColumnDef: { ...col, constraints: [] } } } }] } };
  const { value, todo } = backfillValue(ctx, ctx.table, col.colname);
  return {
    rule: finding.rule,
    message: `ADD COLUMN ${quoteIdent(col.colname)} NOT NULL → add it nullable, backfill in batches, CHECK NOT VALID, VALIDATE, SET NOT NULL`,
    pieces: [{ sql: `${sqlOf(nullable)};`, transactional: true, slug: 'add_column' }, backfillPiece(ctx, ctx.table, col.colname, value), ...setNotNullPieces(ctx.table, col.colname)],
    ...(todo ? { todos: [todo] } : {}),
  };
}

export function setNotNull(ctx: FixContext): Rewrite | undefined {
  const finding = ctx.findings.find((f) => f.rule === 'adding-not-nullable-field');
  const cmd = as(as(ctx.node, 'AlterTableStmt')?.cmds?.[0], 'AlterTableCmd');
  if (!finding || !ctx.table || cmd?.subtype !== 'AT_SetNotNull' || !cmd.name || ctx.options.pgVersion < 12) return undefined;
  return {
    rule: finding.rule,
    message: `SET NOT NULL on ${quoteIdent(cmd.name)} → CHECK NOT VALID, VALIDATE in its own transaction, then SET NOT NULL without a scan`,
    pieces: setNotNullPieces(ctx.table, cmd.name),
  };
}

export function setNotNullPieces(table: TableRef, column: string): Piece[] {
  const col = quoteIdent(column);
  const check = quoteIdent(notNullCheckName(table.name, column));
  return [
    { sql: `ALTER TABLE ${table.sql} ADD CONSTRAINT ${check} CHECK (${col} IS NOT NULL) NOT VALID;`, transactional: true, slug: 'not_null_check' },
    { sql: `ALTER TABLE ${table.sql} VALIDATE CONSTRAINT ${check};`, transactional: true, slug: 'validate_not_null', long: true, alone: true },
    { sql: `ALTER TABLE ${table.sql} ALTER COLUMN ${col} SET NOT NULL;\nALTER TABLE ${table.sql} DROP CONSTRAINT ${check};`, transactional: true, slug: 'set_not_null' },
  ];
}
