import { as, tableRef } from '../ast.js';
import { defineRule } from '../rule.js';

/** strong_migrations' best practice: a non-unique B-tree index with more than three key columns rarely helps more
 *  than its first columns do, while every write pays to maintain it and the build takes longer. */
export default defineRule({
  id: 'index-too-many-columns',
  severity: 'warning',
  optIn: true,
  kinds: ['IndexStmt'],
  summary: 'A non-unique index with more than three key columns: rarely faster than its leading columns, always costlier.',
  check(ctx) {
    const index = as(ctx.statement.node, 'IndexStmt');
    const keys = index?.indexParams?.length ?? 0;
    if (!index || index.unique || keys <= 3 || (index.accessMethod && index.accessMethod !== 'btree')) return undefined;
    const table = tableRef(index.relation);
    return {
      message: `Index${index.idxname ? ` ${index.idxname}` : ''} on ${table?.sql ?? 'the table'} has ${keys} key columns; more than three rarely pays off.`,
      why: 'A B-tree narrows rows by its leading columns; the later ones seldom change the plan, yet each one makes the index larger, every INSERT and UPDATE slower, and the build longer. INCLUDE columns serve index-only scans without widening the key.',
      recipe: {
        summary: 'Keep the two or three most selective columns (the ones queries filter on with equality first); move columns only read into INCLUDE.',
        sql: `-- e.g. CREATE INDEX CONCURRENTLY ... ON ${table?.sql ?? '<table>'} (<most selective>, <next>) INCLUDE (<read-only columns>);`,
        versions: 'INCLUDE: PG 11+.',
      },
    };
  },
});
