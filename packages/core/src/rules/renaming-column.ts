import { as, tableRef } from '../ast.js';
import { defineRule } from '../rule.js';
import { lockImpact } from '../locks.js';
import { quoteIdent } from '../sql.js';

/** Incident 6: the application version still running queries the old name the moment the rename commits. */
export default defineRule({
  id: 'renaming-column',
  severity: 'error',
  kinds: ['RenameStmt'],
  summary: 'RENAME COLUMN breaks the application code still running against the old name.',
  check(ctx) {
    const rename = as(ctx.statement.node, 'RenameStmt');
    const table = tableRef(rename?.relation);
    if (rename?.renameType !== 'OBJECT_COLUMN' || !table || !rename.subname || !rename.newname || ctx.isNewTable(table)) return undefined;
    const from = quoteIdent(rename.subname);
    const to = quoteIdent(rename.newname);
    return {
      message: `Renaming ${table.sql}.${from} to ${to} breaks every running query that still uses ${from}.`,
      why: `During a deploy, the old version of the application keeps running (and caches prepared statements); from the moment the rename commits, its queries on ${table.sql}.${from} fail with "column does not exist". The rename also takes ACCESS EXCLUSIVE on ${table.sql}.`,
      lock: lockImpact('ACCESS EXCLUSIVE', table.sql, 'a moment (catalog change) - after waiting for every running query on the table'),
      recipe: {
        summary: 'Expand and contract over several deploys: add the new column, write both, backfill, switch reads, then drop the old one.',
        sql: [
          `-- deploy 1 (migration): add the new column (copy the type, default and constraints of ${from})`,
          `ALTER TABLE ${table.sql} ADD COLUMN ${to} <type of ${from}>;`,
          `-- deploy 1 (app): write both ${from} and ${to}; then backfill in batches:`,
          `-- UPDATE ${table.sql} SET ${to} = ${from} WHERE ${to} IS DISTINCT FROM ${from} AND <primary key range>;`,
          `-- deploy 2 (app): read ${to}, stop using ${from}`,
          `-- deploy 3 (migration): ALTER TABLE ${table.sql} DROP COLUMN ${from};`,
        ].join('\n'),
        versions: 'All supported versions. A trigger can keep the two columns in sync instead of dual writes.',
      },
    };
  },
});
