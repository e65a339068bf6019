import { as } from '../ast.js';
import { defineRule } from '../rule.js';

/** A BEGIN that the file never commits leaves the transaction open: the runner's session keeps its locks (or the
 *  work is rolled back when the session closes, while the migration is recorded as applied). */
export default defineRule({
  id: 'ban-uncommitted-transaction',
  severity: 'error',
  kinds: ['TransactionStmt'],
  summary: 'BEGIN without a matching COMMIT or ROLLBACK in the same file.',
  check(ctx) {
    const tx = as(ctx.statement.node, 'TransactionStmt');
    if ((tx?.kind !== 'TRANS_STMT_BEGIN' && tx?.kind !== 'TRANS_STMT_START') || ctx.options.assumeInTransaction) return undefined;
    const id = ctx.states[ctx.statement.index]!.transaction;
    const closed = ctx.migration.statements.some((s) => {
      const k = as(s.node, 'TransactionStmt')?.kind;
      return s.index > ctx.statement.index && ctx.states[s.index]!.transaction === id && (k === 'TRANS_STMT_COMMIT' || k === 'TRANS_STMT_ROLLBACK');
    });
    if (closed) return undefined;
    return {
      message: 'This BEGIN is never committed in the file: the transaction stays open after the last statement.',
      why: 'Whatever runs the file next inherits an open transaction holding every lock taken so far; if the session ends instead, everything is rolled back while the migration may already be recorded as applied.',
      recipe: { summary: 'End the transaction in the same file.', sql: 'COMMIT;', versions: 'All supported versions.' },
    };
  },
});
