import { as } from '../ast.js';
import { defineRule } from '../rule.js';

/** CONCURRENTLY cannot run inside a transaction block: the migration fails with SQLSTATE 25001, often only when an
 *  ORM wraps the file in a transaction that the author did not see. */
export default defineRule({
  id: 'ban-concurrent-index-creation-in-transaction',
  severity: 'error',
  kinds: ['IndexStmt', 'DropStmt', 'ReindexStmt'],
  summary: 'CREATE/DROP INDEX CONCURRENTLY or REINDEX CONCURRENTLY inside a transaction fails (SQLSTATE 25001).',
  check(ctx) {
    if (!ctx.state.inTransaction) return undefined;
    const node = ctx.statement.node;
    const concurrent =
      !!as(node, 'IndexStmt')?.concurrent ||
      !!as(node, 'DropStmt')?.concurrent ||
      (as(node, 'ReindexStmt')?.params ?? []).some((p) => as(p, 'DefElem')?.defname === 'concurrently');
    if (!concurrent) return undefined;
    const how = ctx.options.assumeInTransaction && !ctx.migration.statements.some((s) => as(s.node, 'TransactionStmt'))
      ? 'the runner wraps this migration in a transaction'
      : 'this statement is inside BEGIN ... COMMIT';
    return {
      message: `A CONCURRENTLY operation cannot run inside a transaction block, and ${how}: it fails with "cannot run inside a transaction block".`,
      why: 'Concurrent index operations commit several internal transactions of their own and wait for older transactions in between, so PostgreSQL refuses them inside a transaction block (SQLSTATE 25001). The whole migration fails at this statement.',
      recipe: {
        summary: 'Run it on its own, outside any transaction: a separate migration (Prisma: its own migration file), knex `exports.config = { transaction: false }`, TypeORM `transaction = false` with migrationsTransactionMode "each", MikroORM `isTransactional() { return false }`; `pgsafe run` does this split for you.',
        sql: `COMMIT; -- end the transaction first, or move this statement to its own migration\n${ctx.statement.text};`,
        versions: 'CREATE/DROP INDEX CONCURRENTLY: all supported versions; REINDEX CONCURRENTLY: PG 12+.',
      },
    };
  },
});
