import { sqlOf } from '../ast.js';
import { addedConstraints, alterExistingTable } from '../alter-table.js';
import { defineRule } from '../rule.js';
import { lockImpact } from '../locks.js';
import { makeName, quoteIdent } from '../sql.js';

/** Incident 4: a CHECK added with validation scans the whole table under ACCESS EXCLUSIVE and fails in production
 *  when existing rows violate it. Foreign keys are reported by adding-foreign-key-constraint alone (squawk reports
 *  both rules on the same clause; one finding per problem is enough). */
export default defineRule({
  id: 'constraint-missing-not-valid',
  severity: 'error',
  kinds: ['AlterTableStmt'],
  summary: 'ADD CONSTRAINT ... CHECK without NOT VALID scans the whole table under an ACCESS EXCLUSIVE lock.',
  check(ctx) {
    const alter = alterExistingTable(ctx);
    if (!alter) return undefined;
    const { table } = alter;
    return addedConstraints(alter.cmds)
      .filter((con) => con.contype === 'CONSTR_CHECK' && !con.skip_validation && con.raw_expr)
      .map((con) => {
        const expr = sqlOf(con.raw_expr!);
        const name = quoteIdent(con.conname ?? makeName(table.name, 'check'));
        return {
          message: `ADD CONSTRAINT ${name} CHECK on ${table.sql} validates every row while holding an ACCESS EXCLUSIVE lock.`,
          why: `Without NOT VALID, PostgreSQL scans all of ${table.sql} to validate (${expr}) while holding ACCESS EXCLUSIVE: no read or write gets through until the scan ends, and the time grows with the table. If any existing row violates it, the migration fails - in production, where the data is.`,
          lock: lockImpact('ACCESS EXCLUSIVE', table.sql, "a full table scan (grows with the table's size)"),
          location: con.location,
          recipe: {
            summary: 'Add the constraint NOT VALID (instant; new rows are checked), fix violating rows, then VALIDATE in a separate transaction (SHARE UPDATE EXCLUSIVE: reads and writes continue).',
            sql: [
              `ALTER TABLE ${table.sql} ADD CONSTRAINT ${name} CHECK (${expr}) NOT VALID;`,
              `-- find rows to repair first: SELECT count(*) FROM ${table.sql} WHERE NOT (${expr});`,
              `-- then, in a separate transaction (or migration):`,
              `ALTER TABLE ${table.sql} VALIDATE CONSTRAINT ${name};`,
            ].join('\n'),
            versions: 'NOT VALID for CHECK constraints: PG 9.2+. VALIDATE CONSTRAINT takes SHARE UPDATE EXCLUSIVE.',
          },
        };
      });
  },
});
