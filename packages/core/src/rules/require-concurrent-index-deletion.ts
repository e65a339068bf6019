import { as, strings } from '../ast.js';
import { defineRule } from '../rule.js';
import { quoteQualified } from '../sql.js';

/** DROP INDEX takes ACCESS EXCLUSIVE on the index's table: quick once granted, but while it waits behind a long
 *  query every read and write of that table queues behind it. */
export default defineRule({
  id: 'require-concurrent-index-deletion',
  severity: 'warning',
  kinds: ['DropStmt'],
  summary: "DROP INDEX without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the index's table.",
  check(ctx) {
    const drop = as(ctx.statement.node, 'DropStmt');
    if (drop?.removeType !== 'OBJECT_INDEX' || drop.concurrent) return undefined;
    const names = (drop.objects ?? []).map((o) => {
      const parts = strings(as(o, 'List')?.items);
      return quoteQualified(parts.length > 1 ? parts[parts.length - 2] : undefined, parts[parts.length - 1] ?? '');
    });
    return {
      message: `DROP INDEX ${names.join(', ')} without CONCURRENTLY locks its table against all reads and writes.`,
      why: "A plain DROP INDEX takes ACCESS EXCLUSIVE on the index's table. The drop itself is fast, but if a long query is using the table the DROP waits, and every query arriving after it queues behind it.",
      recipe: {
        summary: 'Drop it CONCURRENTLY, one index per statement, outside any transaction block.',
        sql: names.map((n) => `DROP INDEX CONCURRENTLY IF EXISTS ${n};`).join('\n'),
        versions: 'DROP INDEX CONCURRENTLY: PG 9.2+; one index per statement, no CASCADE, not in a transaction block.',
      },
    };
  },
});
