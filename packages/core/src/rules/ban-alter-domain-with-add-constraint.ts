import { as, sqlOf, strings } from '../ast.js';
import { defineRule } from '../rule.js';
import { quoteQualified, quoteIdent } from '../sql.js';

/** ALTER DOMAIN ... ADD CONSTRAINT checks every column of every table that uses the domain, while blocking writes
 *  to them. Unlike table constraints, a domain's VALIDATE CONSTRAINT also blocks writes (SHARE on each table, seen
 *  on PG 15 and 18), so the online path is a CHECK per column. */
export default defineRule({
  id: 'ban-alter-domain-with-add-constraint',
  severity: 'error',
  kinds: ['AlterDomainStmt'],
  summary: 'ALTER DOMAIN ... ADD CONSTRAINT scans every table using the domain while blocking their writes.',
  check(ctx) {
    const alter = as(ctx.statement.node, 'AlterDomainStmt');
    const con = as(alter?.def, 'Constraint');
    if (alter?.subtype !== 'C' || !con || con.skip_validation) return undefined;
    const parts = strings(alter.typeName);
    const domain = quoteQualified(parts.length > 1 ? parts[parts.length - 2] : undefined, parts[parts.length - 1] ?? '');
    const name = quoteIdent(con.conname ?? `${parts.at(-1)}_check`);
    const check = con.raw_expr ? sqlOf(con.raw_expr) : 'VALUE IS NOT NULL';
    return {
      message: `ALTER DOMAIN ${domain} ADD CONSTRAINT checks every stored value of every column of type ${domain}, blocking writes to those tables.`,
      why: 'PostgreSQL validates the new constraint against all existing data of every table using the domain, in one statement holding locks that block writes to them; one violating row anywhere fails the migration.',
      location: con.location,
      recipe: {
        summary: "Put the rule on each column that uses the domain, as a table CHECK added NOT VALID and validated separately (reads and writes continue); a domain's own VALIDATE still blocks writes, so keep it for a quiet window.",
        sql: [
          `-- for each table and column of type ${domain}:`,
          `ALTER TABLE <table> ADD CONSTRAINT <table>_<column>_check CHECK (${check.replace(/\bvalue\b/gi, '<column>')}) NOT VALID;`,
          `ALTER TABLE <table> VALIDATE CONSTRAINT <table>_<column>_check;`,
          `-- or, in a quiet window: ALTER DOMAIN ${domain} ADD CONSTRAINT ${name} CHECK (${check}) NOT VALID; then VALIDATE CONSTRAINT ${name}`,
        ].join('\n'),
        versions: 'Table CHECK ... NOT VALID: PG 9.2+. ALTER DOMAIN ... VALIDATE CONSTRAINT takes SHARE on every table using the domain.',
      },
    };
  },
});
