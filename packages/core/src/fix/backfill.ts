/** The batched backfill step: a keyset loop committing each batch (see keysetBatches), which the planner runs
 *  alone and outside any transaction (classify: `batched`). Only rows still NULL are updated, and the loop starts
 *  at the first of them: a run that stopped half-way resumes where it was. */
import type { TableRef } from '../ast.js';
import { keysetBatches } from '../batches.js';
import { quoteIdent } from '../sql.js';
import { knownKey, tableKey } from '../table-key.js';
import type { FixContext, Piece } from './types.js';

/** Where the migrations show no single-column key to walk: the user names one. */
export const KEY_PLACEHOLDER = '<key>';

export function backfillPiece(ctx: FixContext, table: TableRef, column: string, value: string): Piece {
  const col = quoteIdent(column);
  const { batchSize, pauseSeconds } = ctx.options;
  const key = ctx.options.key ?? knownKey(ctx.schema, table) ?? KEY_PLACEHOLDER;
  // Rows already written (by the application, or a run that stopped half-way) and rows whose value is NULL anyway
  // are no-ops: skipped, so the backfill leaves no dead tuple for them.
  const todo = `${col} IS NULL AND (${value}) IS NOT NULL`;
  const sql = keysetBatches(table, (inBatch) => `UPDATE ${table.sql} SET ${col} = ${value} WHERE ${inBatch} AND ${todo}`, key, batchSize, {
    pending: todo,
    pauseSeconds,
    progress: `backfill ${table.name}.${column}`,
  });
  return { sql, transactional: false, slug: 'backfill', long: true };
}

/** The value chosen for the existing rows of `table.column`, or the placeholder and what to do about it. */
export function backfillValue(ctx: FixContext, table: TableRef, column: string): { value: string; todo?: string } {
  const chosen = ctx.options.values[`${table.name}.${column}`] ?? ctx.options.values[column];
  if (chosen !== undefined) return { value: chosen };
  return {
    value: '<value>',
    todo: `choose the value of ${table.sql}.${quoteIdent(column)} for the existing rows: replace <value> in the backfill (pgsafe fix --value ${table.name}.${column}=<sql expression>); the key ${quoteIdent(ctx.options.key ?? tableKey(ctx.schema, table))} must be unique`,
  };
}
