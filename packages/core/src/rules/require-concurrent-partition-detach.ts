import { as, tableRef } from '../ast.js';
import { alterExistingTable } from '../alter-table.js';
import { defineRule } from '../rule.js';
import { lockImpact } from '../locks.js';

/** DETACH PARTITION takes ACCESS EXCLUSIVE on the partitioned table: every query on any partition waits. From
 *  PG 14, DETACH ... CONCURRENTLY needs only SHARE UPDATE EXCLUSIVE. */
export default defineRule({
  id: 'require-concurrent-partition-detach',
  severity: 'warning',
  kinds: ['AlterTableStmt'],
  summary: 'DETACH PARTITION without CONCURRENTLY locks the whole partitioned table (PG 14+ can detach concurrently).',
  check(ctx) {
    const alter = alterExistingTable(ctx);
    if (!alter || ctx.options.pgVersion < 14) return undefined;
    return alter.cmds
      .filter((cmd) => cmd.subtype === 'AT_DetachPartition' && !as(cmd.def, 'PartitionCmd')?.concurrent)
      .map((cmd) => {
        const part = tableRef(as(cmd.def, 'PartitionCmd')?.name);
        return {
          message: `DETACH PARTITION ${part?.sql ?? ''} locks ${alter.table.sql} and all its partitions against reads and writes.`,
          why: `Without CONCURRENTLY the detach takes ACCESS EXCLUSIVE on ${alter.table.sql}; while it waits behind any running query on any partition, every new query on the table queues behind it.`,
          lock: lockImpact('ACCESS EXCLUSIVE', alter.table.sql, 'the wait for the lock, then a moment'),
          recipe: {
            summary: 'Detach CONCURRENTLY, outside a transaction block (if interrupted, finish with DETACH PARTITION ... FINALIZE).',
            sql: `ALTER TABLE ${alter.table.sql} DETACH PARTITION ${part?.sql ?? '<partition>'} CONCURRENTLY;`,
            versions: 'DETACH PARTITION CONCURRENTLY: PG 14+; not in a transaction block; not with a default partition.',
          },
        };
      });
  },
});
