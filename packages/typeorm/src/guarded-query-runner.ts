/**
 * Query runners whose `query()` passes a migration's statements through the pgsafe guard. TypeORM runs a whole
 * migration batch on one query runner (one connection); the statements to check are those sent while a migration's
 * up() or down() runs, never TypeORM's own bookkeeping (the migrations table, its schema reads), which come before
 * and after.
 */
import type { MigrationGuard, GuardSession } from '@pgsafe/core/guard';
import type { QueryRunner } from 'typeorm';

export interface MigrationState {
  /** The migration whose up() or down() is running. */
  current?: { name: string; direction: 'up' | 'down' };
}

/** TypeORM's own transaction control, sent through query() as well. */
const TRANSACTION_CONTROL = /^\s*(START\s+TRANSACTION|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE\s+SAVEPOINT)\b/i;

type Query = QueryRunner['query'];

export function guardQueryRunner(runner: QueryRunner, state: MigrationState, guard: () => Promise<MigrationGuard>): QueryRunner {
  const send = runner.query.bind(runner) as Query;
  runner.query = (async (sql: string, parameters?: unknown[], structured?: boolean) => {
    if (!state.current) return send(sql, parameters, structured as true);
    if (TRANSACTION_CONTROL.test(sql)) {
      // A migration's own startTransaction()/commitTransaction(): the statements after it run in another transaction.
      (await guard()).transactionControl(sql);
      return send(sql, parameters, structured as true);
    }
    const session: GuardSession = {
      inTransaction: runner.isTransactionActive,
      // The guard's own SAVEPOINT / SET LOCAL go straight to the runner's connection: not logged as migration queries.
      query: async (text, values) => ((await runner.connect()) as { query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }> }).query(text, values),
    };
    return (await guard()).execute(sql, session, () => send(sql, parameters, structured as true));
  }) as Query;
  return runner;
}
