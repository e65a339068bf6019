/** The schema of one database namespace as pg_catalog describes it, in a stable order, for comparing two databases
 *  that should have ended up the same: tables, columns (type, default, nullability, collation), constraints (with
 *  their definition and whether they are validated) and indexes (with their definition and validity). */
import type pg from 'pg';

export interface SchemaSnapshot {
  tables: { table: string; kind: string }[];
  columns: { table: string; column: string; type: string; notNull: boolean; default: string | null; collation: string | null }[];
  constraints: { table: string; name: string; type: string; definition: string; validated: boolean }[];
  indexes: { table: string; name: string; definition: string; valid: boolean; ready: boolean }[];
}

export async function schemaSnapshot(client: Pick<pg.Client, 'query'>, schema = 'public'): Promise<SchemaSnapshot> {
  const q = async <T>(sql: string) => (await client.query(sql, [schema])).rows as T[];
  const tables = await q<SchemaSnapshot['tables'][number]>(
    `SELECT c.relname AS "table", c.relkind::text AS kind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f') ORDER BY 1`,
  );
  const columns = await q<SchemaSnapshot['columns'][number]>(
    `SELECT c.relname AS "table", a.attname AS "column", format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS "notNull",
            pg_get_expr(d.adbin, d.adrelid) AS default, CASE WHEN a.attcollation <> t.typcollation THEN co.collname END AS collation
     FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_type t ON t.oid = a.atttypid
     LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum LEFT JOIN pg_collation co ON co.oid = a.attcollation
     WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND a.attnum > 0 AND NOT a.attisdropped ORDER BY c.relname, a.attnum`,
  );
  const constraints = await q<SchemaSnapshot['constraints'][number]>(
    `SELECT c.relname AS "table", k.conname AS name, k.contype::text AS type, pg_get_constraintdef(k.oid) AS definition, k.convalidated AS validated
     FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 ORDER BY 1, 2`,
  );
  const indexes = await q<SchemaSnapshot['indexes'][number]>(
    `SELECT t.relname AS "table", c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition, i.indisvalid AS valid, i.indisready AS ready
     FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 ORDER BY 1, 2`,
  );
  return { tables, columns, constraints, indexes };
}
