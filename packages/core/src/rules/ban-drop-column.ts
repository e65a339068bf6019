import { alterExistingTable } from '../alter-table.js';
import { defineRule } from '../rule.js';
import type { SchemaModel } from '../schema-model.js';
import type { TableRef } from '../ast.js';
import { oldReleaseRuns, queriesBroken, ROLLING_DEPLOY_NOTE } from '../old-release.js';
import { lockImpact } from '../locks.js';
import { quoteIdent } from '../sql.js';
import { renamedAside, unreleasedColumn, unreleasedTable } from '../same-change.js';

/** Dropping a column loses its data for good, and the application version still running (and ORMs that list every
 *  column in their INSERTs and SELECTs) fails the moment it commits. Not flagged for a column (or table) this release
 *  added: this migration, an earlier one of the same deploy, or one written less than 12 hours before it. Nor for a
 *  column the history renamed aside (`x` to `old_x`): the rename was the step that broke the code still using it. */
export default defineRule({
  id: 'ban-drop-column',
  severity: 'error',
  kinds: ['AlterTableStmt'],
  summary: 'DROP COLUMN breaks the code still using it and loses the data; stop using it in a deploy first.',
  check(ctx) {
    if (!oldReleaseRuns(ctx)) return undefined;
    const alter = alterExistingTable(ctx);
    if (!alter || unreleasedTable(ctx.schema, alter.table, ctx.statement.index)) return undefined;
    const { table } = alter;
    return alter.cmds
      .filter((cmd) => cmd.subtype === 'AT_DropColumn' && cmd.name && !unreleasedColumn(ctx.schema, table, cmd.name, ctx.statement.index) && !asideColumn(ctx.schema, table, cmd.name, ctx.statement.index))
      .map((cmd) => {
        const column = quoteIdent(cmd.name!);
        return {
          message: `Dropping ${table.sql}.${column} breaks every running query that still names it, and its data is gone.`,
          why: `The application version still deployed fails with "column does not exist" from the moment the drop commits. ${queriesBroken(ctx, table.sql, column)} The drop itself is quick but takes ACCESS EXCLUSIVE on ${table.sql}. ${ROLLING_DEPLOY_NOTE}`,
          lock: lockImpact('ACCESS EXCLUSIVE', table.sql, 'a moment (catalog change) - after waiting for every running query on the table'),
          recipe: {
            summary: 'Contract over two deploys: first ship code that no longer reads or writes the column (Prisma: remove the field; TypeORM/MikroORM: remove the property), then drop it; keep a backup if the data may be needed.',
            sql: [
              `-- deploy 1 (app): stop using ${column}; wait until no old version runs`,
              `-- deploy 2 (migration), accepting the drop explicitly:`,
              `-- pgsafe-ignore ban-drop-column: no code uses ${column} since <release>`,
              `ALTER TABLE ${table.sql} DROP COLUMN ${column};`,
            ].join('\n'),
            versions: 'All supported versions. The space is reclaimed only when rows are rewritten (VACUUM FULL / pg_repack).',
          },
        };
      });
  },
});

/** The column got its name from a rename aside (`plan` to `old_plan`). */
function asideColumn(schema: SchemaModel, table: TableRef, column: string, before: number): boolean {
  const from = schema.columnRenamedFrom(table, column, before);
  return from !== undefined && renamedAside(from, column);
}
