import { as, strings } from '../ast.js';
import { defineRule } from '../rule.js';
import { quoteLiteral, quoteQualified } from '../sql.js';

/** ADD VALUE without BEFORE/AFTER appends the value last, which silently changes what ORDER BY and < > mean for it;
 *  naming its neighbour makes the intended order explicit (squawk's require-enum-value-ordering). */
export default defineRule({
  id: 'require-enum-value-ordering',
  severity: 'warning',
  optIn: true,
  kinds: ['AlterEnumStmt'],
  summary: 'ALTER TYPE ... ADD VALUE without BEFORE or AFTER: the value sorts last, whatever order was meant.',
  check(ctx) {
    const alter = as(ctx.statement.node, 'AlterEnumStmt');
    if (!alter?.newVal || alter.newValNeighbor) return undefined;
    const parts = strings(alter.typeName);
    const type = quoteQualified(parts.length > 1 ? parts[parts.length - 2] : undefined, parts[parts.length - 1] ?? '');
    return {
      message: `${quoteLiteral(alter.newVal)} is added to ${type} without BEFORE or AFTER: it sorts after every existing value.`,
      why: 'Enum values compare in their declared order (ORDER BY, <, >, BETWEEN, range partitions on the enum). Appending by default is right only when the new value really is the last one.',
      recipe: {
        summary: 'Say where it goes.',
        sql: `ALTER TYPE ${type} ADD VALUE IF NOT EXISTS ${quoteLiteral(alter.newVal)} AFTER '<existing value>';`,
        versions: 'BEFORE/AFTER: PG 9.1+.',
      },
    };
  },
});
