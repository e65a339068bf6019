import type { AlterTableCmd, Constraint } from '@pgsql/types';
import { as, tableRef, type TableRef } from './ast.js';
import type { RuleContext } from './rule.js';

/** The subcommands of an ALTER TABLE on a table that already exists (new tables carry no lock risk). */
export function alterExistingTable(ctx: RuleContext): { table: TableRef; cmds: AlterTableCmd[] } | undefined {
  const alter = as(ctx.statement.node, 'AlterTableStmt');
  const table = tableRef(alter?.relation);
  if (!alter || !table || ctx.isNewTable(table)) return undefined;
  return { table, cmds: (alter.cmds ?? []).map((c) => as(c, 'AlterTableCmd')).filter((c): c is AlterTableCmd => !!c) };
}

/** `ADD CONSTRAINT` subcommands with their constraint. */
export function addedConstraints(cmds: AlterTableCmd[]): Constraint[] {
  return cmds.flatMap((cmd) => {
    const con = cmd.subtype === 'AT_AddConstraint' ? as(cmd.def, 'Constraint') : undefined;
    return con ? [con] : [];
  });
}
