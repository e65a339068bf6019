import type { TableRef } from './ast.js';
import type { SchemaModel } from './schema-model.js';

/** Fewest rows the migrations must put in a table for it to read as reference data (one row is a seeded admin user
 *  or a settings singleton, which says nothing about what the application adds). */
const MIN_SEEDED_ROWS = 2;

/**
 * The rows of a reference table (a list of types, platforms, roles) the migrations maintain themselves, when the
 * history shows it is one: it created the table and every row put in it since came from its own VALUES lists (at
 * least two). Such a table holds what the migrations wrote, a few hundred rows at most: a data change or a scan of it
 * is instant. Undefined when the history did not create the table, put no rows or an unknown number in it.
 */
export function referenceRows(schema: SchemaModel, table: TableRef, before: number): number | undefined {
  const rows = schema.literalRows(table, before);
  return rows !== undefined && rows >= MIN_SEEDED_ROWS ? rows : undefined;
}

/** A table of PostgreSQL's own catalogs (pg_catalog, information_schema, pg_*): not the application's data. */
export function isSystemCatalog(table: TableRef): boolean {
  const schema = table.schema?.toLowerCase();
  return schema === 'pg_catalog' || schema === 'information_schema' || (!table.schema && table.name.toLowerCase().startsWith('pg_'));
}
