import { as, sqlOf, tableRef } from '../ast.js';
import { defineRule } from '../rule.js';
import { lockImpact } from '../locks.js';
import { trafficLocks } from '../lock-risk.js';
import { quoteIdent } from '../sql.js';

/** A whole-table UPDATE/DELETE in the same transaction as DDL: the DDL's lock is held until commit, so the site
 *  waits for the entire data change (DDL first), or the change's row locks are held through the DDL (DDL after). */
export default defineRule({
  id: 'backfill-in-schema-migration',
  severity: 'error',
  kinds: ['UpdateStmt', 'DeleteStmt'],
  summary: 'A whole-table UPDATE or DELETE in the same transaction as DDL keeps the DDL lock for the whole data change.',
  check(ctx) {
    const update = as(ctx.statement.node, 'UpdateStmt');
    const del = as(ctx.statement.node, 'DeleteStmt');
    const table = tableRef(update?.relation ?? del?.relation);
    const tx = ctx.state.transaction;
    if (!table || tx === undefined || (update ?? del)!.whereClause || ctx.isNewTable(table)) return undefined;
    const ddl = ctx.migration.statements.find(
      (s) => s.index !== ctx.statement.index && ctx.states[s.index]!.transaction === tx && trafficLocks(s, ctx.schema).length > 0,
    );
    if (!ddl) return undefined;
    const lock = trafficLocks(ddl, ctx.schema)[0]!;
    const before = ddl.index < ctx.statement.index;
    const verb = update ? 'UPDATE' : 'DELETE';
    const assignments = (update?.targetList ?? [])
      .map((t) => as(t, 'ResTarget'))
      .map((t) => (t?.name && t.val ? `${quoteIdent(t.name)} = ${sqlOf(t.val)}` : ''))
      .filter(Boolean);
    const batch = update
      ? `UPDATE ${table.sql} SET ${assignments.join(', ')} WHERE id IN (SELECT id FROM ${table.sql} WHERE <not yet done> ORDER BY id LIMIT 1000);`
      : `DELETE FROM ${table.sql} WHERE id IN (SELECT id FROM ${table.sql} ORDER BY id LIMIT 1000);`;
    return {
      message: before
        ? `${verb} of every row of ${table.sql} runs in the same transaction as the DDL on line ${ddl.start.line}, which holds ${lock.mode} on ${lock.table.sql} until commit.`
        : `${verb} of every row of ${table.sql} runs in the same transaction as later DDL (line ${ddl.start.line}): its row locks are held until the DDL commits.`,
      why: before
        ? `Locks are released at commit. The ${lock.mode} lock taken on line ${ddl.start.line} stays held while this statement touches every row of ${table.sql}: the application is blocked for the whole data change, which grows with the table.`
        : `This ${verb} locks every row of ${table.sql} until commit; the DDL on line ${ddl.start.line} then waits for its own lock while those row locks block every concurrent write to the table.`,
      lock: lockImpact(lock.mode, lock.table.sql, `the whole ${verb} of ${table.sql} (grows with its size)`),
      recipe: {
        summary: 'Keep schema changes and data changes apart: commit the DDL in its own short migration, then change the data in batches of a few thousand rows, each in its own transaction, outside the schema migration.',
        sql: [
          `-- migration 1: the DDL alone, with lock_timeout`,
          `${ddl.text};`,
          `-- then, outside the schema migration, repeat until it affects 0 rows (one short transaction per batch):`,
          batch,
        ].join('\n'),
        versions: 'All supported versions. Replace `id` with the primary key; `<not yet done>` is e.g. `country IS NULL`.',
      },
    };
  },
});
