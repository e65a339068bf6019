import { as, tableRef } from '../ast.js';
import { addedConstraints } from '../alter-table.js';
import { defineRule } from '../rule.js';
import { lockImpact } from '../locks.js';
import { quoteIdent } from '../sql.js';

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
      if (!added) return [];
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
