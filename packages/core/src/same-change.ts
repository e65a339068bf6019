import type { TableRef } from './ast.js';
import type { MigrationEntry } from './context/schema-state.js';
import { migrationTime } from './migration-time.js';
import type { SchemaModel } from './schema-model.js';

/** Migrations written this close together (by the timestamps their names start with) belong to one change, shipped in
 *  one release. */
export const SAME_CHANGE_MS = 12 * 3600 * 1000;

/** `earlier` is part of the release that ships the migration being judged: pending in the same deploy, or written
 *  less than 12 hours before it (the same change, as the timestamps of their names tell). */
export function sameRelease(schema: SchemaModel, earlier: MigrationEntry): boolean {
  if (earlier === schema.migration || earlier.inBatch) return true;
  const age = writtenBefore(schema, earlier);
  return age !== undefined && age < SAME_CHANGE_MS;
}

/** How long before the migration being judged `earlier` was written, by the timestamps their names start with;
 *  undefined when a name has none or the order is reversed. */
export function writtenBefore(schema: SchemaModel, earlier: MigrationEntry): number | undefined {
  const then = migrationTime(earlier.name);
  const now = migrationTime(schema.migration.name);
  return then !== undefined && now !== undefined && now >= then ? now - then : undefined;
}

/** Where the table was created when no release before this one has used it: this migration, or an earlier one of
 *  the same release (see `sameRelease`). Undefined when the table existed before that release. */
export function unreleasedTable(schema: SchemaModel, table: TableRef, before: number): MigrationEntry | undefined {
  if (schema.isNewTable(table, before)) return schema.migration;
  const creator = schema.createdByEarlier(table, before);
  return creator && sameRelease(schema, creator) ? creator : undefined;
}

/** Where the column got its current name (ADD COLUMN, CREATE TABLE, RENAME ... TO) when no release before this one
 *  has used that name: this migration or an earlier one of the same release. */
export function unreleasedColumn(schema: SchemaModel, table: TableRef, column: string, before: number): MigrationEntry | undefined {
  const named = schema.columnNamedIn(table, column, before);
  return named && sameRelease(schema, named) ? named : undefined;
}
