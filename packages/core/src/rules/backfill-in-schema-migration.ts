import { as, deparse, tableRef } from '../ast.js';
import { defineRule } from '../rule.js';
import { lockImpact } from '../locks.js';
import { trafficLocks } from '../lock-risk.js';
import { keysetBatches } from '../batches.js';
import { tableKey } from '../table-key.js';
import { keyBounded } from '../key-bounded.js';
import { isSystemCatalog, referenceRows } from '../reference-table.js';
import { heldEarlier, whereEarlier } from '../context/open-transaction.js';
import type { ParsedStatement } from '../parse.js';

/** A whole-table UPDATE/DELETE in the same transaction as DDL: the DDL's lock is held until commit, so the site
 *  waits for the entire data change (DDL first), or the change's row locks are held through the DDL (DDL after).
 *  A WHERE that bounds the rows by a range or a short list of the table's key is a batch and not flagged; a WHERE on
 *  another column (`col IS NULL` on a column just added matches every row) is no batch. Not flagged either: the
 *  system catalogs, and reference tables the migrations fill themselves (a few hundred rows: the change is instant), and a DELETE
 *  before the DDL (it locks only the rows it removes, say duplicates ahead of a unique index). */
export default defineRule({
  id: 'backfill-in-schema-migration',
  severity: 'error',
  kinds: ['UpdateStmt', 'DeleteStmt'],
  summary: 'A whole-table UPDATE or DELETE in the same transaction as DDL keeps the DDL lock for the whole data change.',
  check(ctx) {
    const update = as(ctx.statement.node, 'UpdateStmt');
    const del = as(ctx.statement.node, 'DeleteStmt');
    const change = update ?? del;
    const table = tableRef(change?.relation);
    const tx = ctx.state.transaction;
    if (!change || !table || tx === undefined || ctx.isNewTable(table) || isSystemCatalog(table)) return undefined;
    if (referenceRows(ctx.schema, table, ctx.statement.index) !== undefined) return undefined;
    const key = tableKey(ctx.schema, table);
    if (keyBounded(change.whereClause, key)) return undefined;
    const here = ctx.statement.index;
    const ddl = ctx.migration.statements.filter((s) => s.index !== here && ctx.states[s.index]!.transaction === tx && trafficLocks(s, ctx.schema).length > 0);
    // DDL of an earlier migration run in the same transaction (a runner that runs the batch in one) holds too.
    const described = (s: ParsedStatement) => ({ text: s.text, where: `line ${s.start.line}`, lock: trafficLocks(s, ctx.schema)[0]! });
    const held = heldEarlier(ctx).filter((e) => e.locks.length);
    if (ddl.length === 0 && held.length === 0) return undefined;
    const before = [...held.map((e) => ({ text: e.text, where: whereEarlier(e), lock: e.locks[0]! })), ...ddl.filter((s) => s.index < here).map(described)];
    const after = ddl.filter((s) => s.index > here).map(described);
    // A DELETE before the DDL (duplicates removed ahead of a unique index) locks only rows that are going away.
    if (del && before.length === 0) return undefined;
    const first = before[0] ?? after[0]!;
    const lock = first.lock;
    const line = first.where;
    const verb = update ? 'UPDATE' : 'DELETE';
    // The user's own change without RETURNING, limited to one batch of keys (deparsed as is: sqlOf would also fold
    // the whitespace inside string literals, changing the data written).
    const own = deparse(update ? { UpdateStmt: { ...update, returningClause: undefined, whereClause: undefined } } : { DeleteStmt: { ...del!, returningClause: undefined, whereClause: undefined } });
    // The user's own WHERE, kept in each batch and as where the loop starts (deparsed from the whole statement).
    const whole = change.whereClause ? deparse(update ? { UpdateStmt: { ...update, returningClause: undefined } } : { DeleteStmt: { ...del!, returningClause: undefined } }) : own;
    const condition = whole.startsWith(`${own} WHERE `) ? whole.slice(own.length + ' WHERE '.length) : undefined;
    const what = change.whereClause ? `the rows of ${table.sql} its WHERE matches (not bounded by a range or list of the key ${key}: it can match every row)` : `every row of ${table.sql}`;
    let step = 0;
    return {
      message: before.length
        ? `${verb} of ${what} runs in the same transaction as the DDL on ${line}, which holds ${lock.mode} on ${lock.table.sql} until commit.`
        : `${verb} of ${what} runs in the same transaction as later DDL (${line}): its row locks are held until the DDL commits.`,
      why: before.length
        ? `Locks are released at commit. The ${lock.mode} lock taken on ${line} stays held while this statement changes every row of ${table.sql}: the application is blocked for the whole data change, which grows with the table.`
        : `This ${verb} locks every row of ${table.sql} until commit: concurrent writes to those rows wait for it, then for the DDL on ${line}, which must first get ${lock.mode} on ${lock.table.sql} (behind any running query) and makes every new query on it queue meanwhile.`,
      lock: lockImpact(lock.mode, lock.table.sql, before.length ? `the whole ${verb} of ${table.sql} (grows with its size)` : `the rest of the transaction from ${line}, after the ${verb} has locked every row of ${table.sql}`),
      recipe: {
        summary: 'Keep schema and data changes apart: commit the DDL in its own short migration, then change the data in batches, each its own short transaction, outside the schema migration; the DDL that needs the data comes after.',
        sql: [
          ...(before.length ? [`-- ${++step}. schema migration, committed before the data change (with lock_timeout):`, ...before.map((s) => `${s.text};`)] : []),
          `-- ${++step}. outside any transaction block, one transaction per 1,000 rows on the key ${tableKey(ctx.schema, table)}:`,
          keysetBatches(table, (inBatch) => `${own} WHERE ${condition ? `(${condition}) AND ` : ''}${inBatch}`, key, 1000, condition ? { pending: condition } : {}),
          ...(after.length ? [`-- ${++step}. schema migration that needs the data:`, ...after.map((s) => `${s.text};`)] : []),
        ].join('\n'),
        versions: 'COMMIT inside a DO block: PG 11+, when the DO itself runs outside a transaction block. Replace id with the primary key.',
      },
    };
  },
});
