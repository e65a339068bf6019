import { alterExistingTable } from '../alter-table.js';
import { defineRule } from '../rule.js';
import { quoteIdent } from '../sql.js';

/** Dropping NOT NULL lets NULLs in: code (and ORM types) still assuming a value will meet them. */
export default defineRule({
  id: 'ban-drop-not-null',
  severity: 'warning',
  optIn: true,
  kinds: ['AlterTableStmt'],
  summary: 'DROP NOT NULL: code that assumes the column always has a value will meet NULLs.',
  check(ctx) {
    const alter = alterExistingTable(ctx);
    if (!alter) return undefined;
    return alter.cmds
      .filter((cmd) => cmd.subtype === 'AT_DropNotNull' && cmd.name)
      .map((cmd) => {
        const column = quoteIdent(cmd.name!);
        return {
          message: `Dropping NOT NULL on ${alter.table.sql}.${column} lets NULLs into a column the running code treats as always set.`,
          why: `As soon as some writer stores NULL in ${column}, the application version that maps it as a required field (non-nullable ORM types, NOT NULL assumptions in reports and joins) breaks on those rows, and taking NOT NULL back requires cleaning them up first.`,
          recipe: {
            summary: 'Ship code that handles NULL in this column first, then drop the constraint.',
            sql: [`-- deploy 1 (app): handle ${column} IS NULL everywhere it is read`, `ALTER TABLE ${alter.table.sql} ALTER COLUMN ${column} DROP NOT NULL;`].join('\n'),
            versions: 'All supported versions; the change itself is a quick catalog update under ACCESS EXCLUSIVE.',
          },
        };
      });
  },
});
