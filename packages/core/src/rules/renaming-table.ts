import { as, tableRef } from '../ast.js';
import { defineRule } from '../rule.js';
import { oldReleaseRuns, ROLLING_DEPLOY_NOTE } from '../old-release.js';
import { lockImpact } from '../locks.js';
import { quoteIdent, quoteQualified } from '../sql.js';
import { unreleasedTable } from '../same-change.js';

/** Incident 6 for tables: every running query on the old name fails as soon as the rename commits. Not flagged for a
 *  table created in this release (this migration, an earlier one of the deploy, or one written < 12 h before). */
export default defineRule({
  id: 'renaming-table',
  severity: 'error',
  kinds: ['RenameStmt'],
  summary: 'RENAME TO breaks the application code still running against the old table name.',
  check(ctx) {
    if (!oldReleaseRuns(ctx)) return undefined;
    const rename = as(ctx.statement.node, 'RenameStmt');
    const table = tableRef(rename?.relation);
    if (rename?.renameType !== 'OBJECT_TABLE' || !table || !rename.newname || unreleasedTable(ctx.schema, table, ctx.statement.index)) return undefined;
    const to = quoteQualified(table.schema, rename.newname);
    return {
      message: `Renaming ${table.sql} to ${quoteIdent(rename.newname)} breaks every running query that still uses ${table.sql}.`,
      why: `The application version still deployed queries ${table.sql}; from the moment the rename commits those queries fail with "relation does not exist". The rename also takes ACCESS EXCLUSIVE on the table. ${ROLLING_DEPLOY_NOTE}`,
      lock: lockImpact('ACCESS EXCLUSIVE', table.sql, 'a moment (catalog change) - after waiting for every running query on the table'),
      recipe: {
        summary: 'Rename and leave a view under the old name in the same transaction (a simple view is updatable), deploy code using the new name, then drop the view.',
        sql: [
          // Inside the migration's own transaction the two statements already commit together.
          ...(ctx.state.inTransaction ? [] : ['BEGIN;']),
          `ALTER TABLE ${table.sql} RENAME TO ${quoteIdent(rename.newname)};`,
          `CREATE VIEW ${table.sql} AS SELECT * FROM ${to};`,
          ...(ctx.state.inTransaction ? [] : ['COMMIT;']),
          `-- after every running version uses ${to}:`,
          `-- DROP VIEW ${table.sql};`,
        ].join('\n'),
        versions: 'Writes through a simple view (auto-updatable): PG 9.3+. The view lists the columns the table has now; columns added later are not in it.',
      },
    };
  },
});
