import { as, tableRefOfList, type TableRef } from '../ast.js';
import { defineRule, type RuleContext } from '../rule.js';
import { oldReleaseRuns, ROLLING_DEPLOY_NOTE } from '../old-release.js';
import { lockImpact } from '../locks.js';
import { renamedAside, unreleasedTable } from '../same-change.js';

/** Dropping a table loses its data for good and breaks the code still using it. Not flagged for a table this release
 *  created (this migration, an earlier one of the same deploy, or one written less than 12 hours before it), nor for
 *  a table the history renamed aside (`x` to `old_x`): the rename was the step that broke the code still using it. */
export default defineRule({
  id: 'ban-drop-table',
  severity: 'error',
  kinds: ['DropStmt'],
  summary: 'DROP TABLE loses the data and breaks the code still using the table; stop using it in a deploy first.',
  check(ctx) {
    if (!oldReleaseRuns(ctx)) return undefined;
    const drop = as(ctx.statement.node, 'DropStmt');
    if (drop?.removeType !== 'OBJECT_TABLE') return undefined;
    const tables = (drop.objects ?? [])
      .map(tableRefOfList)
      .filter((t): t is TableRef => !!t && !unreleasedTable(ctx.schema, t, ctx.statement.index) && !asideTable(ctx, t));
    if (tables.length === 0) return undefined;
    const names = tables.map((t) => t.sql).join(', ');
    return {
      message: `Dropping ${names}${drop.behavior === 'DROP_CASCADE' ? ' with CASCADE (and whatever depends on it)' : ''} loses its data and breaks the code still using it.`,
      why: `From the moment the drop commits, every running query on ${names} fails with "relation does not exist", and the rows are gone: no rollback of the deploy brings them back.${drop.behavior === 'DROP_CASCADE' ? ' CASCADE also drops views and foreign keys of other tables that depend on it, silently.' : ''} ${ROLLING_DEPLOY_NOTE}`,
      lock: lockImpact('ACCESS EXCLUSIVE', names, 'a moment - after waiting for every running query on the table'),
      recipe: {
        summary: 'Stop using the table in a deploy first; then drop it (without CASCADE), after a backup if the data may be needed.',
        sql: [
          `-- deploy 1 (app): stop using ${names}; keep a copy if needed (pg_dump -t)`,
          `-- deploy 2 (migration), accepting the drop explicitly:`,
          `-- pgsafe-ignore ban-drop-table: unused since <release>, backed up in <where>`,
          `DROP TABLE ${tables.map((t) => t.sql).join(', ')};`,
        ].join('\n'),
        versions: 'All supported versions.',
      },
    };
  },
});

/** The table got its name from a rename aside (`members` to `members_old`). */
function asideTable(ctx: RuleContext, table: TableRef): boolean {
  const from = ctx.schema.renamedFrom(table, ctx.statement.index);
  return from !== undefined && renamedAside(from, table.name);
}
