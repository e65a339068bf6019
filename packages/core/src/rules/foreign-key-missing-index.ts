import type { Constraint } from '@pgsql/types';
import { quoteList, tableRef, type TableRef } from '../ast.js';
import { declaredConstraints } from '../constraints.js';
import { defineRule } from '../rule.js';
import { makeName, quoteIdent } from '../sql.js';
import type { Report } from '../finding.js';
import type { SchemaModel } from '../schema-model.js';
import { referenceRows } from '../reference-table.js';

/** Incident 5: PostgreSQL indexes the referenced key, never the referencing columns. Without an index there,
 *  every DELETE or key UPDATE on the parent scans the child table (and ON DELETE CASCADE does it per row). Not for
 *  a reference table the migrations fill themselves, as parent (its rows are not deleted in normal use: the index
 *  would never be used) or as child (a scan of a few hundred rows costs nothing). */
export default defineRule({
  id: 'foreign-key-missing-index',
  severity: 'warning',
  kinds: ['CreateStmt', 'AlterTableStmt'],
  summary: 'A foreign key whose referencing columns have no index: every delete or key update of the parent scans the child table.',
  check(ctx) {
    const here = ctx.statement.index;
    const reference = (t: TableRef | undefined) => !!t && referenceRows(ctx.schema, t, here) !== undefined;
    const found = declaredConstraints(ctx.statement.node).filter(({ con, columns }) => con.contype === 'CONSTR_FOREIGN' && columns.length > 0);
    return found
      .filter(({ table, con, columns }) => !hasLeadingIndex(ctx.schema, table, columns) && !reference(tableRef(con.pktable)) && !reference(table))
      .map(({ table, con, columns }) => report(table, con, columns));
  },
});

/** An index anywhere in the migration (or left by an earlier one) whose leading key columns are exactly the FK's
 *  columns (in any order). */
function hasLeadingIndex(schema: SchemaModel, table: TableRef, columns: string[]): boolean {
  return schema.indexesOn(table).some((ix) => ix.columns.length >= columns.length && columns.every((c) => ix.columns.slice(0, columns.length).includes(c)));
}

function report(table: TableRef, con: Constraint, columns: string[]): Report {
  const parent = tableRef(con.pktable)?.sql ?? 'the referenced table';
  // Not `<table>_<column>_idx`, the name PostgreSQL and the ORMs (Prisma) give an index of their own: a later migration
  // that creates that index (without IF NOT EXISTS) would fail on a database where this one was built.
  const index = quoteIdent(makeName(table.name, ...columns, 'fkey_idx'));
  return {
    message: `No index on ${table.sql} (${quoteList(columns)}) for its foreign key to ${parent}: deletes and key updates on ${parent} will scan ${table.sql}.`,
    why: `PostgreSQL checks the foreign key from the parent side on every DELETE (and key UPDATE) of ${parent}: it looks up matching rows in ${table.sql} by (${quoteList(columns)}). Without an index that is a sequential scan of ${table.sql} per deleted parent row (per row again with ON DELETE CASCADE), and joins on the key are slow too. pgsafe sees the indexes this migration and the earlier ones of its folder create; an index made another way is visible only with a live database.`,
    location: con.location,
    recipe: {
      summary: 'Create the index on the referencing columns, CONCURRENTLY and outside a transaction, before (or right after) adding the foreign key.',
      sql: `CREATE INDEX CONCURRENTLY IF NOT EXISTS ${index} ON ${table.sql} (${quoteList(columns)});`,
      versions: 'All supported versions; PostgreSQL never creates this index automatically.',
    },
  };
}
