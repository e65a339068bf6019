import { defineRule } from '../rule.js';
import { lockImpact } from '../locks.js';
import { releasedTrafficLocks } from '../lock-risk.js';
import { heldEarlier, whereEarlier } from '../context/open-transaction.js';
import { renamedAside, unreleasedTable } from '../same-change.js';
import { as, tableRef, tableRefOfList } from '../ast.js';
import type { ParsedStatement } from '../parse.js';
import type { TableLock } from '../statement-locks.js';

/** Each ACCESS EXCLUSIVE lock in a transaction is held until commit: the first table stays blocked while the next
 *  lock is awaited, and two sessions locking the same tables in another order deadlock. Tables this release created
 *  (an earlier migration of the deploy, or one written less than 12 hours before) have no traffic and do not count;
 *  nor is a table held by the statement that drops it or renames it aside (`x` to `old_x`): the queries of the
 *  running release on it fail once the transaction commits whatever they waited for (ban-drop-table and
 *  renaming-table say so). */
export default defineRule({
  id: 'lock-queue-risk',
  severity: 'warning',
  summary: 'Several existing tables locked ACCESS EXCLUSIVE in one transaction: each stays blocked while the next lock is awaited.',
  check(ctx) {
    const tx = ctx.state.transaction;
    if (tx === undefined) return undefined;
    const exclusive = (index: number) => releasedTrafficLocks(ctx.migration.statements[index]!, ctx.schema).filter((l) => l.mode === 'ACCESS EXCLUSIVE');
    const mine = exclusive(ctx.statement.index);
    if (mine.length === 0) return undefined;
    // Also what earlier migrations of the same transaction locked (a runner that runs the batch in one).
    const earlier = [
      ...heldEarlier(ctx).flatMap((e) => e.locks.filter((l) => l.mode === 'ACCESS EXCLUSIVE').map((l) => ({ ...l, where: whereEarlier(e) }))),
      ...ctx.migration.statements
        .filter((s) => s.index < ctx.statement.index && ctx.states[s.index]!.transaction === tx)
        .flatMap((s) => exclusive(s.index).filter((l) => !retires(s, l)).map((l) => ({ ...l, where: `line ${s.start.line}` }))),
    ];
    const held = earlier.filter((l) => !mine.some((m) => m.table.key === l.table.key) && !unreleasedTable(ctx.schema, l.table, ctx.statement.index));
    const fresh = mine.filter((m) => !earlier.some((l) => l.table.key === m.table.key));
    // Report once per newly locked table, and only when another table is already held.
    if (held.length === 0 || fresh.length === 0) return undefined;
    const first = held[0]!;
    const table = fresh[0]!.table.sql;
    return {
      message: `${table} is locked ACCESS EXCLUSIVE while ${first.table.sql} (locked on ${first.where}) is still held by the same transaction.`,
      why: `Locks are released at commit. While this statement waits for its lock on ${table} (behind any long query), ${first.table.sql} stays locked too, so both tables are unusable; and another session locking them in the opposite order deadlocks with this one.`,
      lock: lockImpact('ACCESS EXCLUSIVE', `${first.table.sql} and ${table}`, 'the rest of the transaction, including every lock wait in it'),
      recipe: {
        summary: 'Change one table per transaction (or per migration), each with a short lock_timeout; when they must change together, take the locks up front in a fixed order.',
        sql: [`COMMIT; -- end the transaction that changed ${first.table.sql}`, `BEGIN;`, `SET LOCAL lock_timeout = '2s';`, `${ctx.statement.text};`].join('\n'),
        versions: 'All supported versions.',
      },
    };
  },
});

/** The statement takes its lock on the table to drop it, or to rename it aside. */
function retires(stmt: ParsedStatement, lock: TableLock): boolean {
  const drop = as(stmt.node, 'DropStmt');
  if (drop?.removeType === 'OBJECT_TABLE') return (drop.objects ?? []).some((o) => tableRefOfList(o)?.key === lock.table.key);
  const rename = as(stmt.node, 'RenameStmt');
  const table = tableRef(rename?.relation);
  return rename?.renameType === 'OBJECT_TABLE' && !!table && !!rename.newname && table.key === lock.table.key && renamedAside(table.name, rename.newname);
}
