import { alterExistingTable } from '../alter-table.js';
import { declaredConstraints } from '../constraints.js';
import { defineRule } from '../rule.js';
import { lockImpact } from '../locks.js';
import { quoteIdent } from '../sql.js';

/** An EXCLUDE constraint builds its index (and checks every pair of rows) under ACCESS EXCLUSIVE, and unlike CHECK
 *  and FOREIGN KEY it cannot be added NOT VALID nor attached from a concurrently built index. */
export default defineRule({
  id: 'adding-exclusion-constraint',
  severity: 'error',
  kinds: ['AlterTableStmt'],
  summary: 'ADD CONSTRAINT ... EXCLUDE builds its index under ACCESS EXCLUSIVE, and has no NOT VALID or USING INDEX escape.',
  check(ctx) {
    if (!alterExistingTable(ctx)) return undefined;
    return declaredConstraints(ctx.statement.node)
      .filter(({ con }) => con.contype === 'CONSTR_EXCLUSION')
      .map(({ table, con }) => ({
        message: `EXCLUDE constraint${con.conname ? ` ${quoteIdent(con.conname)}` : ''} on ${table.sql} builds its index while every read and write of ${table.sql} waits.`,
        why: `PostgreSQL builds the exclusion index and checks every existing row against the others inside the ALTER TABLE, holding ACCESS EXCLUSIVE on ${table.sql} for the whole build (grows with the table). There is no NOT VALID for exclusion constraints, and USING INDEX does not accept them.`,
        lock: lockImpact('ACCESS EXCLUSIVE', table.sql, "the whole index build and check (grows with the table's size)"),
        location: con.location,
        recipe: {
          summary: 'Add it while the table is new or small, or in a maintenance window; on a large busy table, enforce the rule in a trigger (or a unique index on a derived key) until then.',
          sql: `-- run in a maintenance window, with lock_timeout:\nSET lock_timeout = '2s';\n${ctx.statement.text};`,
          versions: 'All supported versions: exclusion constraints cannot be NOT VALID (PG 18 included).',
        },
      }));
  },
});
