import { as, tableRef, type TableRef } from '../ast.js';
import type { RuleContext } from '../rule.js';
import { addedConstraints } from '../alter-table.js';
import { defineRule } from '../rule.js';
import { lockImpact } from '../locks.js';
import { quoteIdent } from '../sql.js';
import { heldEarlier, whereEarlier } from '../context/open-transaction.js';

/** NOT VALID exists so that the ACCESS EXCLUSIVE (or SHARE ROW EXCLUSIVE) lock of the ADD is released before the
 *  long validation scan. Validating in the same transaction keeps that lock for the whole scan: no gain at all. */
export default defineRule({
  id: 'validate-constraint-in-same-transaction',
  severity: 'error',
  kinds: ['AlterTableStmt'],
  summary: 'VALIDATE CONSTRAINT in the same transaction as its NOT VALID add keeps the strong lock during the whole scan.',
  check(ctx) {
    const alter = as(ctx.statement.node, 'AlterTableStmt');
    const table = tableRef(alter?.relation);
    const tx = ctx.state.transaction;
    if (!alter || !table || tx === undefined || ctx.isNewTable(table)) return undefined;
    const validated = (alter.cmds ?? []).map((c) => as(c, 'AlterTableCmd')).filter((c) => c?.subtype === 'AT_ValidateConstraint' && c.name);
    return validated.flatMap((cmd) => {
      const added = ctx.migration.statements.slice(0, ctx.statement.index).find((s) => {
        if (ctx.states[s.index]!.transaction !== tx) return false;
        const a = as(s.node, 'AlterTableStmt');
        return tableRef(a?.relation)?.key === table.key &&
          addedConstraints((a?.cmds ?? []).map((c) => as(c, 'AlterTableCmd')!).filter(Boolean)).some((con) => con.conname === cmd!.name && con.skip_validation);
      });
      if (!added) return fromEarlierMigration(ctx, table, cmd!.name!);
      const name = quoteIdent(cmd!.name!);
      const addMode = /FOREIGN\s+KEY/i.test(added.text) ? 'SHARE ROW EXCLUSIVE' : 'ACCESS EXCLUSIVE';
      return [{
        message: `VALIDATE CONSTRAINT ${name} runs in the same transaction as the NOT VALID add (line ${added.start.line}): the ${addMode} lock is held for the whole validation scan.`,
        why: `Locks are released only at commit. The ADD CONSTRAINT ... NOT VALID on line ${added.start.line} took ${addMode} on ${table.sql}; validating before committing scans the whole table while still holding it, exactly what NOT VALID was meant to avoid.`,
        lock: lockImpact(addMode, table.sql, "the validation scan (grows with the table's size)"),
        recipe: {
          summary: 'Commit after the NOT VALID add; validate in a separate transaction or a later migration.',
          sql: [`${added.text};`, `COMMIT; -- or end the migration here`, `ALTER TABLE ${table.sql} VALIDATE CONSTRAINT ${name};`].join('\n'),
          versions: 'All supported versions.',
        },
      }];
    });
  },
});

/** The NOT VALID add ran in an earlier migration of the same transaction (a runner that runs the batch in one):
 *  its lock is still held. */
function fromEarlierMigration(ctx: RuleContext, table: TableRef, constraint: string) {
  const open = ctx.options.openTransaction;
  for (const e of heldEarlier(ctx)) {
    const added = e.notValid.find((n) => n.table === table.key && n.name === constraint);
    if (!added || !open) continue;
    const name = quoteIdent(constraint);
    return [{
      message: `VALIDATE CONSTRAINT ${name} runs in the same transaction as the NOT VALID add (${whereEarlier(e)}): ${open.because}, so the ${added.mode} lock is held for the whole validation scan.`,
      why: `Locks are released only at commit. The ADD CONSTRAINT ... NOT VALID of migration ${e.migration} took ${added.mode} on ${table.sql}, and its transaction is still open: validating now scans the whole table while still holding it, exactly what NOT VALID was meant to avoid.`,
      lock: lockImpact(added.mode, table.sql, "the validation scan (grows with the table's size)"),
      recipe: {
        summary: `Commit between the two: run migration ${e.migration} and this one in transactions of their own (the runner's per-migration transaction), or deploy this one later.`,
        sql: [`${e.text}; -- migration ${e.migration}, committed on its own`, `ALTER TABLE ${table.sql} VALIDATE CONSTRAINT ${name}; -- this migration, in a later transaction`].join('\n'),
        versions: 'All supported versions.',
      },
    }];
  }
  return [];
}
