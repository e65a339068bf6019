import { quoteList } from '../ast.js';
import { alterExistingTable } from '../alter-table.js';
import { declaredConstraints } from '../constraints.js';
import { defineRule } from '../rule.js';
import { lockImpact } from '../locks.js';
import { makeName, quoteIdent } from '../sql.js';

/** ADD CONSTRAINT ... UNIQUE builds its index while holding ACCESS EXCLUSIVE: no read or write for the whole build.
 *  Building the index CONCURRENTLY first and attaching it with USING INDEX takes the strong lock only for a moment. */
export default defineRule({
  id: 'disallowed-unique-constraint',
  severity: 'error',
  kinds: ['AlterTableStmt'],
  summary: 'ADD CONSTRAINT ... UNIQUE builds its index under ACCESS EXCLUSIVE: build it CONCURRENTLY, then USING INDEX.',
  check(ctx) {
    if (!alterExistingTable(ctx)) return undefined;
    return declaredConstraints(ctx.statement.node)
      .filter(({ con }) => con.contype === 'CONSTR_UNIQUE' && !con.indexname && !con.skip_validation)
      .map(({ table, con, columns }) => {
        const name = quoteIdent(con.conname ?? makeName(table.name, ...columns, 'key'));
        return {
          message: `UNIQUE constraint ${name} on ${table.sql} (${quoteList(columns)}) builds its index while every read and write of ${table.sql} waits.`,
          why: `Adding a UNIQUE constraint creates its index inside the ALTER TABLE, under ACCESS EXCLUSIVE on ${table.sql}: the whole table is unusable for the duration of the index build, which grows with its size. Duplicates make it fail only at the end.`,
          lock: lockImpact('ACCESS EXCLUSIVE', table.sql, "the whole index build (grows with the table's size)"),
          location: con.location,
          recipe: {
            summary: 'Build the unique index CONCURRENTLY (outside a transaction; reads and writes continue), then attach it as the constraint, which is instant.',
            sql: [
              `CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ${name} ON ${table.sql} (${quoteList(columns)});`,
              `ALTER TABLE ${table.sql} ADD CONSTRAINT ${name} UNIQUE USING INDEX ${name};`,
            ].join('\n'),
            versions: 'ADD CONSTRAINT ... USING INDEX: PG 9.1+. A failed concurrent build leaves an INVALID index to drop before retrying.',
          },
        };
      });
  },
});
