import { quoteList } from '../ast.js';
import { alterExistingTable } from '../alter-table.js';
import { declaredConstraints } from '../constraints.js';
import { defineRule } from '../rule.js';
import { lockImpact } from '../locks.js';
import { makeName, quoteIdent } from '../sql.js';

/** Adding a primary key to an existing table builds its unique index (and checks NOT NULL) under ACCESS
 *  EXCLUSIVE; a serial primary key column also rewrites the table. */
export default defineRule({
  id: 'adding-serial-primary-key-field',
  severity: 'error',
  kinds: ['AlterTableStmt'],
  summary: 'ADD PRIMARY KEY on an existing table builds the index under ACCESS EXCLUSIVE: build it CONCURRENTLY, then USING INDEX.',
  check(ctx) {
    if (!alterExistingTable(ctx)) return undefined;
    return declaredConstraints(ctx.statement.node)
      .filter(({ con }) => con.contype === 'CONSTR_PRIMARY' && !con.indexname)
      .map(({ table, con, columns, onAddedColumn }) => {
        const name = quoteIdent(con.conname ?? makeName(table.name, 'pkey'));
        const cols = quoteList(columns);
        return {
          message: `PRIMARY KEY on ${table.sql} (${cols}) builds its index while every read and write of ${table.sql} waits.`,
          why: `The ALTER TABLE creates the primary key's unique index${onAddedColumn ? ' (after filling the new column for every row)' : ''} and checks the columns are NOT NULL, all under ACCESS EXCLUSIVE on ${table.sql}: the table is unusable for the whole build, which grows with its size.`,
          lock: lockImpact('ACCESS EXCLUSIVE', table.sql, "the whole index build (grows with the table's size)"),
          location: con.location,
          recipe: {
            summary: 'Make the columns NOT NULL the safe way (validated CHECK), build the unique index CONCURRENTLY, then attach it as the primary key.',
            sql: [
              ...(onAddedColumn ? [`-- add the column without PRIMARY KEY first, and fill it in batches`] : []),
              `CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ${name} ON ${table.sql} (${cols});`,
              `ALTER TABLE ${table.sql} ADD CONSTRAINT ${name} PRIMARY KEY USING INDEX ${name};`,
            ].join('\n'),
            versions: 'USING INDEX: PG 9.1+. PRIMARY KEY USING INDEX sets NOT NULL on the columns, which scans unless a validated CHECK (col IS NOT NULL) exists (PG 12+).',
          },
        };
      });
  },
});
