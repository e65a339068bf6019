import type { Constraint, Node } from '@pgsql/types';
import { as, columnConstraints, columnNames, quoteList, tableRef, type TableRef } from '../ast.js';
import { declaredColumns } from '../column-types.js';
import { alterExistingTable } from '../alter-table.js';
import { declaredConstraints } from '../constraints.js';
import { defineRule } from '../rule.js';
import { lockImpact } from '../locks.js';
import { makeName, quoteIdent } from '../sql.js';
import type { Report } from '../finding.js';

/** Incident 4 for foreign keys: validation scans the referencing table while both tables are locked against
 *  writes (SHARE ROW EXCLUSIVE), and fails in production on orphaned rows. */
export default defineRule({
  id: 'adding-foreign-key-constraint',
  severity: 'error',
  kinds: ['AlterTableStmt'],
  summary: 'A FOREIGN KEY added without NOT VALID blocks writes to both tables while it scans the whole table.',
  check(ctx) {
    if (!alterExistingTable(ctx)) return undefined;
    return declaredConstraints(ctx.statement.node)
      .filter(({ con }) => con.contype === 'CONSTR_FOREIGN' && !con.skip_validation)
      // ADD COLUMN ... REFERENCES without a DEFAULT: the new column is all NULL and PostgreSQL skips the validation
      // scan (measured: no sequential scan of the table; issue 22, 15 of 20 sampled findings were this).
      .filter(({ onAddedColumn, columns }) => !onAddedColumn || addedWithDefault(ctx.statement.node, columns[0]))
      .map(({ table, con, columns }) => report(table, con, columns));
  },
});

/** The column this ALTER TABLE adds has a DEFAULT other than NULL: every row gets a value the key must check. */
function addedWithDefault(node: Node, column: string | undefined): boolean {
  const added = declaredColumns(node).find((c) => c.name === column);
  return !!added && columnConstraints(added.def).some((c) => c.contype === 'CONSTR_DEFAULT' && !as(c.raw_expr, 'A_Const')?.isnull);
}

function report(table: TableRef, con: Constraint, columns: string[]): Report {
  const parent = tableRef(con.pktable);
  const parentSql = parent?.sql ?? '<referenced table>';
  const name = quoteIdent(con.conname ?? makeName(table.name, ...columns, 'fkey'));
  const refCols = columnNames(con.pk_attrs);
  const actions = [
    con.fk_del_action && con.fk_del_action !== 'a' ? `ON DELETE ${ACTIONS[con.fk_del_action] ?? ''}` : '',
    con.fk_upd_action && con.fk_upd_action !== 'a' ? `ON UPDATE ${ACTIONS[con.fk_upd_action] ?? ''}` : '',
  ].filter(Boolean);
  const fk = `FOREIGN KEY (${quoteList(columns)}) REFERENCES ${parentSql}${refCols.length ? ` (${quoteList(refCols)})` : ''}${actions.length ? ' ' + actions.join(' ') : ''}`;
  return {
    message: `Foreign key ${name} on ${table.sql} is validated immediately: writes to ${table.sql} and ${parentSql} are blocked during a full scan.`,
    why: `Adding a foreign key takes SHARE ROW EXCLUSIVE on both ${table.sql} and ${parentSql} (blocking their INSERT, UPDATE and DELETE) and, without NOT VALID, checks every row of ${table.sql} against ${parentSql} before releasing them. The time grows with the table; any orphaned row makes the migration fail in production.`,
    lock: lockImpact('SHARE ROW EXCLUSIVE', `${table.sql} and ${parentSql}`, "a full scan of the referencing table (grows with its size)"),
    location: con.location,
    recipe: {
      summary: 'Add the foreign key NOT VALID (new rows are checked at once), then VALIDATE it in a separate transaction: validation takes SHARE UPDATE EXCLUSIVE on the table and ROW SHARE on the referenced one, so writes continue.',
      sql: [
        `ALTER TABLE ${table.sql} ADD CONSTRAINT ${name} ${fk} NOT VALID;`,
        `-- then, in a separate transaction (or migration):`,
        `ALTER TABLE ${table.sql} VALIDATE CONSTRAINT ${name};`,
      ].join('\n'),
      versions: 'NOT VALID foreign keys: PG 9.1+.',
    },
  };
}

const ACTIONS: Record<string, string> = { r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };
