import { as, tableRef, type TableRef } from '../ast.js';
import { defineRule, type RuleContext } from '../rule.js';
import { oldReleaseRuns, queriesBroken, ROLLING_DEPLOY_NOTE } from '../old-release.js';
import { lockImpact } from '../locks.js';
import { quoteIdent } from '../sql.js';
import { keysetBatches } from '../batches.js';
import { tableKey } from '../table-key.js';
import { unreleasedColumn, unreleasedTable } from '../same-change.js';

/** Incident 6: the application version still running queries the old name the moment the rename commits. Not
 *  flagged on a table created in this release, nor for a column this release added or named (no running code uses
 *  it): this migration, an earlier one of the same deploy, or one written less than 12 hours before it. */
export default defineRule({
  id: 'renaming-column',
  severity: 'error',
  kinds: ['RenameStmt'],
  summary: 'RENAME COLUMN breaks the application code still running against the old name.',
  check(ctx) {
    if (!oldReleaseRuns(ctx)) return undefined;
    const rename = as(ctx.statement.node, 'RenameStmt');
    const table = tableRef(rename?.relation);
    if (rename?.renameType !== 'OBJECT_COLUMN' || rename.relationType !== 'OBJECT_TABLE' || !table || !rename.subname || !rename.newname) return undefined;
    const at = ctx.statement.index;
    if (unreleasedTable(ctx.schema, table, at) || unreleasedColumn(ctx.schema, table, rename.subname, at) || addedEarlier(ctx, table, rename.subname)) return undefined;
    const from = quoteIdent(rename.subname);
    const to = quoteIdent(rename.newname);
    const type = ctx.schema.column(table, rename.subname, ctx.statement.index)?.type.sql ?? `<type of ${rename.subname}>`;
    return {
      message: `Renaming ${table.sql}.${from} to ${to} breaks every running query that still uses ${from}.`,
      why: `During a deploy, the old version of the application keeps running (and caches prepared statements); from the moment the rename commits, its queries on ${table.sql}.${from} fail with "column does not exist". ${queriesBroken(ctx, table.sql, from)} The rename also takes ACCESS EXCLUSIVE on ${table.sql}. ${ROLLING_DEPLOY_NOTE}`,
      lock: lockImpact('ACCESS EXCLUSIVE', table.sql, 'a moment (catalog change) - after waiting for every running query on the table'),
      recipe: {
        summary: 'Expand and contract over deploys: add the new column and write both, backfill, read the new one, stop using the old one, then drop it.',
        sql: [
          `-- deploy 1, migration: the new column (the default of ${from} now; its NOT NULL and other constraints after the backfill)`,
          `ALTER TABLE ${table.sql} ADD COLUMN ${to} ${type};`,
          `-- deploy 1, application: write both ${from} and ${to}; then copy the older rows, in batches, outside any transaction block:`,
          keysetBatches(table, (inBatch) => `UPDATE ${table.sql} SET ${to} = ${from} WHERE ${inBatch} AND ${to} IS NULL AND ${from} IS NOT NULL`, tableKey(ctx.schema, table)),
          `-- deploy 2, application: read ${to} (still write both)`,
          `-- deploy 3, application: stop using ${from}; once it is out, migration: ALTER TABLE ${table.sql} DROP COLUMN ${from};`,
        ].join('\n'),
        versions: 'All supported versions (the batch loop commits inside DO: PG 11+; the key is assumed to be id). A trigger can keep the two columns in sync instead of writing both.',
      },
    };
  },
});

/** An earlier statement of the migration adds the column (without IF NOT EXISTS): the running code does not know it. */
function addedEarlier(ctx: RuleContext, table: TableRef, column: string): boolean {
  return ctx.migration.statements.slice(0, ctx.statement.index).some((s) => {
    const alter = as(s.node, 'AlterTableStmt');
    return tableRef(alter?.relation)?.key === table.key && (alter!.cmds ?? []).some((c) => {
      const cmd = as(c, 'AlterTableCmd');
      return cmd?.subtype === 'AT_AddColumn' && !cmd.missing_ok && as(cmd.def, 'ColumnDef')?.colname === column;
    });
  });
}
