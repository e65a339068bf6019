import type { Node } from '@pgsql/types';
import { as, strings, tableRef, type TableRef } from '../ast.js';
import { addedConstraints, alterExistingTable } from '../alter-table.js';
import { defineRule, type RuleContext } from '../rule.js';
import { lockImpact } from '../locks.js';
import { notNullCheckName, quoteIdent } from '../sql.js';

/** SET NOT NULL scans the whole table under ACCESS EXCLUSIVE to prove there is no NULL. From PG 12 the scan is
 *  skipped when a valid CHECK (col IS NOT NULL) exists, so a migration that validated such a check first is safe
 *  (squawk flags it anyway unless told the version; we follow the migration's own statements). */
export default defineRule({
  id: 'adding-not-nullable-field',
  severity: 'error',
  kinds: ['AlterTableStmt'],
  summary: 'ALTER COLUMN ... SET NOT NULL scans the whole table under ACCESS EXCLUSIVE unless a validated CHECK proves it (PG 12+).',
  check(ctx) {
    const alter = alterExistingTable(ctx);
    if (!alter) return undefined;
    const { table } = alter;
    return alter.cmds
      .filter((cmd) => cmd.subtype === 'AT_SetNotNull' && cmd.name)
      .filter((cmd) => !(ctx.options.pgVersion >= 12 && hasValidatedNotNullCheck(ctx, table, cmd.name!)))
      .map((cmd) => {
        const column = quoteIdent(cmd.name!);
        const check = quoteIdent(notNullCheckName(table.name, cmd.name!));
        const pg11 = ctx.options.pgVersion < 12;
        return {
          message: `SET NOT NULL on ${table.sql}.${column} scans every row while holding an ACCESS EXCLUSIVE lock.`,
          why: `PostgreSQL must prove ${column} has no NULL: it reads all of ${table.sql} while holding ACCESS EXCLUSIVE, so no read or write gets through until the scan ends (grows with the table). A NULL left anywhere makes the migration fail.`,
          lock: lockImpact('ACCESS EXCLUSIVE', table.sql, "a full table scan (grows with the table's size)"),
          recipe: pg11
            ? {
                summary: 'On PG 11 SET NOT NULL always scans: enforce the rule with a validated CHECK instead, and switch to SET NOT NULL after upgrading to PG 12+.',
                sql: [
                  `ALTER TABLE ${table.sql} ADD CONSTRAINT ${check} CHECK (${column} IS NOT NULL) NOT VALID;`,
                  `-- then, in a separate transaction:`,
                  `ALTER TABLE ${table.sql} VALIDATE CONSTRAINT ${check};`,
                ].join('\n'),
                versions: 'PG 12+ uses a validated CHECK (col IS NOT NULL) to skip the scan; PG 11 and older always scan.',
              }
            : {
                summary: 'Prove it with a CHECK added NOT VALID and validated separately (reads and writes continue); then SET NOT NULL skips the scan, and the CHECK can go.',
                sql: [
                  `ALTER TABLE ${table.sql} ADD CONSTRAINT ${check} CHECK (${column} IS NOT NULL) NOT VALID;`,
                  `-- then, in a separate transaction:`,
                  `ALTER TABLE ${table.sql} VALIDATE CONSTRAINT ${check};`,
                  `ALTER TABLE ${table.sql} ALTER COLUMN ${column} SET NOT NULL;`,
                  `ALTER TABLE ${table.sql} DROP CONSTRAINT ${check};`,
                ].join('\n'),
                versions: 'PG 12+: SET NOT NULL skips the scan when a valid CHECK (col IS NOT NULL) exists.',
              },
        };
      });
  },
});

/** A CHECK (column IS NOT NULL) on the table, validated by an earlier statement of this migration. */
function hasValidatedNotNullCheck(ctx: RuleContext, table: TableRef, column: string): boolean {
  const pending = new Set<string>();
  for (const stmt of ctx.migration.statements.slice(0, ctx.statement.index)) {
    const alter = as(stmt.node, 'AlterTableStmt');
    if (tableRef(alter?.relation)?.key !== table.key) continue;
    const cmds = (alter!.cmds ?? []).map((c) => as(c, 'AlterTableCmd')!).filter(Boolean);
    for (const con of addedConstraints(cmds)) {
      if (con.contype !== 'CONSTR_CHECK' || !isNotNullTest(con.raw_expr, column)) continue;
      if (!con.skip_validation) return true;
      if (con.conname) pending.add(con.conname);
    }
    if (cmds.some((cmd) => cmd.subtype === 'AT_ValidateConstraint' && cmd.name && pending.has(cmd.name))) return true;
  }
  return false;
}

function isNotNullTest(expr: Node | undefined, column: string): boolean {
  const test = as(expr, 'NullTest');
  return test?.nulltesttype === 'IS_NOT_NULL' && strings(as(test.arg, 'ColumnRef')?.fields).at(-1) === column;
}
