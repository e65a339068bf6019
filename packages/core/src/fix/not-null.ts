/** NOT NULL on a table with rows, without a long ACCESS EXCLUSIVE scan:
 *  ADD COLUMN ... NOT NULL (no default) → add it nullable, backfill in batches, then the SET NOT NULL path;
 *  SET NOT NULL → CHECK (col IS NOT NULL) NOT VALID, VALIDATE in its own transaction, SET NOT NULL (PG 12+ skips its
 *  scan thanks to the validated check), drop the check. */
import type { Node } from '@pgsql/types';
import { as, columnConstraints, sqlOf, type TableRef } from '../ast.js';
import { notNullCheckName, quoteIdent, quoteLiteral } from '../sql.js';
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
    // A plain VALIDATE (the rules and the schema model see it): what a failure leaves is said above it.
    {
      sql: `-- If rows where ${col} IS NULL remain, this fails and the CHECK ${check} stays, NOT VALID: it refuses new NULLs.\n-- Fill those rows and run again, or remove it: ALTER TABLE ${table.sql} DROP CONSTRAINT ${check};\nALTER TABLE ${table.sql} VALIDATE CONSTRAINT ${check};`,
      transactional: true,
      slug: 'validate_not_null',
      long: true,
      alone: true,
    },
    { sql: `ALTER TABLE ${table.sql} ALTER COLUMN ${col} SET NOT NULL;\nALTER TABLE ${table.sql} DROP CONSTRAINT ${check};`, transactional: true, slug: 'set_not_null' },
  ];
}

/** VALIDATE of the NOT NULL check of a new column only `when` it exists, saying what a failure leaves: the check,
 *  NOT VALID and committed by the step before, stays and refuses new NULLs, where the original would have changed
 *  nothing. The planner gives this block VALIDATE's long timeout (see isValidateConstraint). */
export function validateNotNull(table: TableRef, column: string, check: string, when: string): string {
  const validate = `ALTER TABLE ${table.sql} VALIDATE CONSTRAINT ${quoteIdent(check)};`;
  const drop = `ALTER TABLE ${table.sql} DROP CONSTRAINT ${quoteIdent(check)}`;
  return [
    `DO $$ BEGIN`,
    `  IF ${when} THEN`,
    `    ${validate}`,
    `  END IF;`,
    `EXCEPTION WHEN check_violation THEN`,
    `  RAISE EXCEPTION 'pgsafe fix: % has rows where % IS NULL: NOT NULL cannot be set. The CHECK % (NOT VALID), committed by the step before, stays and refuses new NULLs: fill those rows and run again, or remove it (%)', ${quoteLiteral(table.sql)}, ${quoteLiteral(quoteIdent(column))}, ${quoteLiteral(check)}, ${quoteLiteral(drop)};`,
    `END $$;`,
  ].join('\n');
}
