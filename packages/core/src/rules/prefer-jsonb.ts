import { cap, columnsPhrase, declaredColumns } from '../column-types.js';
import { defineRule } from '../rule.js';
import { retypeStatement } from '../retype.js';

/** `json` keeps the text as written and has no equality operator: DISTINCT, GROUP BY and UNION on it fail, and every
 *  read re-parses it. strong_migrations flags json columns for the same reason. */
export default defineRule({
  id: 'prefer-jsonb',
  severity: 'warning',
  optIn: true,
  kinds: ['CreateStmt', 'AlterTableStmt'],
  summary: 'A json column: no equality operator (DISTINCT, GROUP BY, UNION fail) and re-parsed on every read; use jsonb.',
  check(ctx) {
    const cols = declaredColumns(ctx.statement.node).filter((c) => c.type.name === 'json');
    if (cols.length === 0) return undefined;
    const fixed = retypeStatement(ctx, cols.map((c) => c.location), /^json\b/i, () => 'jsonb');
    const names = cols.map((c) => c.name);
    return {
      message: `${cap(columnsPhrase(names))} ${names.length > 1 ? 'are' : 'is'} json; use jsonb.`,
      why: 'json has no equality operator, so SELECT DISTINCT, GROUP BY, UNION and ORM queries that compare rows fail with "could not identify an equality operator for type json"; it also cannot be indexed with GIN and is re-parsed on every access.',
      location: cols[0]!.location,
      recipe: { summary: 'Declare jsonb (keep json only when the exact text, key order and duplicates must be preserved).', sql: fixed, versions: 'jsonb: PG 9.4+.' },
    };
  },
});
