import type { Node } from '@pgsql/types';
import { as } from '../ast.js';
import { defineRule } from '../rule.js';

/** BEGIN inside a transaction only warns (and changes nothing); COMMIT inside the runner's transaction ends it early,
 *  so the rest of the migration runs outside the transaction the runner believes it controls. */
export default defineRule({
  id: 'transaction-nesting',
  severity: 'warning',
  kinds: ['TransactionStmt'],
  summary: 'BEGIN or COMMIT inside a transaction that the runner (or an earlier BEGIN) already opened.',
  check(ctx) {
    const tx = as(ctx.statement.node, 'TransactionStmt');
    if (!tx || !ctx.state.inTransaction) return undefined;
    const begin = tx.kind === 'TRANS_STMT_BEGIN' || tx.kind === 'TRANS_STMT_START';
    const end = tx.kind === 'TRANS_STMT_COMMIT' || tx.kind === 'TRANS_STMT_ROLLBACK';
    const runnerTx = ctx.options.assumeInTransaction && ctx.state.transaction === 0;
    // A BEGIN opens the transaction it is in, unless the runner's or an earlier BEGIN's was already open.
    const alreadyOpen =
      runnerTx ||
      ctx.migration.statements.some((s) => {
        const k = as(s.node, 'TransactionStmt')?.kind;
        return s.index < ctx.statement.index && ctx.states[s.index]!.transaction === ctx.state.transaction && (k === 'TRANS_STMT_BEGIN' || k === 'TRANS_STMT_START');
      });
    if (begin ? !alreadyOpen : !(end && runnerTx)) return undefined;
    // In the runner's transaction, a BEGIN ... COMMIT pair is one mistake: the COMMIT's finding says what breaks (the
    // BEGIN alone only warns). Reported twice, half the findings were the harmless half (issue 22).
    if (begin && runnerTx && ctx.migration.statements.some((s) => s.index > ctx.statement.index && ctx.states[s.index]!.transaction === ctx.state.transaction && isEnd(s.node))) return undefined;
    return begin
      ? {
          message: 'BEGIN inside a transaction that is already open: PostgreSQL ignores it (WARNING: there is already a transaction in progress).',
          why: 'The statements after it are not in a new transaction: a COMMIT meant for this BEGIN commits the outer transaction too, and with it everything before.',
          recipe: { summary: 'Remove the BEGIN/COMMIT pair: the runner (or the outer BEGIN) already wraps these statements.', sql: '-- remove this BEGIN and its COMMIT', versions: 'All supported versions.' },
        }
      : {
          message: `${tx.kind === 'TRANS_STMT_COMMIT' ? 'COMMIT' : 'ROLLBACK'} ends the transaction the migration runner opened: the statements after it run outside it.`,
          why: 'The runner wraps this migration in a transaction and records it as applied in the same transaction; ending it early means a later failure leaves the earlier statements applied but the migration not recorded.',
          recipe: {
            summary: 'Let the runner own the transaction; if a statement must run outside one, mark the migration as non-transactional (knex `config.transaction = false`, TypeORM `transaction = false`).',
            sql: '-- remove this statement',
            versions: 'All supported versions.',
          },
        };
  },
});

function isEnd(node: Node): boolean {
  const kind = as(node, 'TransactionStmt')?.kind;
  return kind === 'TRANS_STMT_COMMIT' || kind === 'TRANS_STMT_ROLLBACK';
}
