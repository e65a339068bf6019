import { as, tableRef } from '../ast.js';
import { defineRule } from '../rule.js';
import { lockImpact } from '../locks.js';

/** VACUUM FULL and CLUSTER rewrite the table under ACCESS EXCLUSIVE for their whole run. pg_repack (an extension)
 *  rebuilds it online and takes the strong lock only briefly at the end. */
export default defineRule({
  id: 'prefer-repack',
  severity: 'warning',
  kinds: ['VacuumStmt', 'ClusterStmt'],
  summary: 'VACUUM FULL or CLUSTER rewrites the table under ACCESS EXCLUSIVE; pg_repack does it online.',
  check(ctx) {
    const vacuum = as(ctx.statement.node, 'VacuumStmt');
    const cluster = as(ctx.statement.node, 'ClusterStmt');
    const full = (vacuum?.options ?? []).some((o) => as(o, 'DefElem')?.defname === 'full');
    if (!(vacuum && full) && !cluster) return undefined;
    const table = cluster ? tableRef(cluster.relation) : tableRef(as(vacuum!.rels?.[0], 'VacuumRelation')?.relation);
    const what = cluster ? 'CLUSTER' : 'VACUUM FULL';
    const target = table?.sql ?? '<table>';
    return {
      message: `${what}${table ? ` ${table.sql}` : ''} rewrites the whole table while every read and write of it waits.`,
      why: `${what} copies the table and rebuilds its indexes holding ACCESS EXCLUSIVE for the whole run, which grows with the table's size${table ? '' : ' (without a table name: every table of the database, one after another)'}.`,
      lock: lockImpact('ACCESS EXCLUSIVE', target, "a full table rewrite (grows with the table's size)"),
      recipe: {
        summary: 'Reclaim space online with pg_repack (outside the migration, as an operation), or let autovacuum reuse the space.',
        sql: `-- shell, not SQL: pg_repack --table=${table?.name ?? '<table>'}${cluster?.indexname ? ` --order-by=<columns of ${cluster.indexname}>` : ''} <database>`,
        versions: 'All supported versions; pg_repack is an extension installed on the server.',
      },
    };
  },
});
