import { as, strings } from '../ast.js';
import { defineRule } from '../rule.js';
import { quoteQualified } from '../sql.js';

/** A CHECK on a domain is hard to change later: altering it scans every table using the domain. A CHECK on each
 *  column can be replaced table by table with NOT VALID + VALIDATE. Opt-in (issue 22): creating the domain locks and
 *  scans nothing; the scan comes with a later ALTER DOMAIN ... ADD CONSTRAINT, which
 *  ban-alter-domain-with-add-constraint reports when it happens. */
export default defineRule({
  id: 'ban-create-domain-with-constraint',
  severity: 'warning',
  optIn: true,
  kinds: ['CreateDomainStmt'],
  summary: 'CREATE DOMAIN with a CHECK: changing it later scans every table using the domain at once.',
  check(ctx) {
    const create = as(ctx.statement.node, 'CreateDomainStmt');
    const checks = (create?.constraints ?? []).map((c) => as(c, 'Constraint')).filter((c) => c?.contype === 'CONSTR_CHECK');
    if (!create || checks.length === 0) return undefined;
    const parts = strings(create.domainname);
    const domain = quoteQualified(parts.length > 1 ? parts[parts.length - 2] : undefined, parts[parts.length - 1] ?? '');
    return {
      message: `Domain ${domain} carries a CHECK: changing that rule later validates every table that uses ${domain} in one statement.`,
      why: 'Domain constraints apply to every column of that type in every table. Dropping and re-adding one (to change the rule) re-checks all that data at once; a CHECK per column can be changed table by table, without blocking writes.',
      location: checks[0]!.location,
      recipe: {
        summary: 'Create the domain without the CHECK (or use the base type), and put the CHECK on each column that needs it.',
        sql: `CREATE DOMAIN ${domain} AS <base type>;\n-- on each table: ALTER TABLE <t> ADD CONSTRAINT <t>_<col>_check CHECK (<rule on col>) NOT VALID;`,
        versions: 'All supported versions.',
      },
    };
  },
});
