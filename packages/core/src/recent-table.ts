import type { TableRef } from './ast.js';
import type { SchemaModel } from './schema-model.js';
import { SAME_CHANGE_MS, writtenBefore } from './same-change.js';

const DAY_MS = 24 * 3600 * 1000;

/** How recent a table must be for the history to leave open whether production has rows in it yet: a release
 *  written within the week may not be deployed, or not used yet. Issue 22's sample: every table a NOT NULL column
 *  without a default was added to one to seven days after its creation was judged "debatable" (pre-release tables);
 *  at twelve and seventeen days some already held rows (langfuse's Account, hatchet's WorkflowRun at a release). */
export const RECENT_TABLE_MS = 7 * DAY_MS;

/** The table was created by an earlier migration of the history written less than `RECENT_TABLE_MS` before this
 *  one (by the timestamps of their names), and no migration put rows in it: whether production has rows in it yet
 *  is what the history cannot tell. Undefined otherwise (no timestamps, an older table, rows the migrations put in). */
export function recentEmptyTable(schema: SchemaModel, table: TableRef, before: number): { by: string; days: number } | undefined {
  const creator = schema.createdByEarlier(table, before);
  const age = creator && writtenBefore(schema, creator);
  if (age === undefined || age >= RECENT_TABLE_MS || schema.literalRows(table, before) !== 0) return undefined;
  return { by: creator!.name, days: Math.max(1, Math.round(age / DAY_MS)) };
}

/** The table was created by an earlier migration written less than 12 hours before this one (by the timestamps of
 *  their names), and no migration put rows in it: the same change, shipped in one release, so the table is still
 *  empty when this migration runs. */
export function sameChangeEmptyTable(schema: SchemaModel, table: TableRef, before: number): boolean {
  const creator = schema.createdByEarlier(table, before);
  const age = creator && writtenBefore(schema, creator);
  return age !== undefined && age < SAME_CHANGE_MS && schema.literalRows(table, before) === 0;
}
