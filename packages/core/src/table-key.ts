import type { TableRef } from './ast.js';
import type { SchemaModel } from './schema-model.js';

/** The column a batched loop walks on `table`: its single-column primary key as the migrations define it, else a
 *  single-column unique index covering every row; `fallback` (`id`) when the schema is not known (a migration judged
 *  without its history) and no such key is in sight. Many tables have no `id`: Prisma's `report_id`, join tables. */
export function tableKey(schema: SchemaModel, table: TableRef, fallback = 'id'): string {
  return knownKey(schema, table) ?? fallback;
}

/** The key as above, `id` when the schema is unknown or has it; undefined when the migrations show every column of
 *  the table and none is a single-column key or `id` (a join table, a composite key): a loop cannot be written. */
export function knownKey(schema: SchemaModel, table: TableRef): string | undefined {
  const keys = schema.indexesOn(table).filter((i) => i.unique && !i.partial && i.columns.length === 1);
  const primary = keys.find((i) => i.name?.endsWith('_pkey')) ?? keys[0];
  if (primary) return primary.columns[0];
  return !schema.knowsColumns(table) || schema.column(table, 'id') ? 'id' : undefined;
}
