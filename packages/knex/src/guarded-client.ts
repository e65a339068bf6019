/**
 * A knex PostgreSQL client whose `_query` passes each migration statement through the pgsafe guard. A subclass, not
 * a patched instance: knex builds each transaction's client from the constructor's prototype, so only a subclass
 * sees the statements sent inside migration transactions.
 */
import { createRequire } from 'node:module';
import type { MigrationGuard, GuardSession } from '@pgsafe/core/guard';
import type pg from 'pg';
import { STATE, type MigrationState } from './migration-state.js';

interface QueryObject {
  sql: string;
  bindings?: unknown[];
}

interface KnexPgClient {
  _query(connection: pg.Client, obj: QueryObject): Promise<unknown>;
}

type KnexPgClientClass = new (config: unknown) => KnexPgClient;

/** Knex's own transaction control, sent through `_query` as well. */
const TRANSACTION_CONTROL = /^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE\s+SAVEPOINT)\b/i;

/** The client class for one knexfile config: its prototype carries the migration state, which the client of every
 *  transaction (made from that prototype) and the migrator (through `knex.client`) then share. */
export function guardedClientClass(
  guard: () => Promise<MigrationGuard>,
  state: MigrationState,
  clientName: string,
  require: NodeRequire = createRequire(import.meta.url),
): KnexPgClientClass {
  const PgClient = require('knex/lib/dialects/postgres') as KnexPgClientClass;
  class PgsafeKnexClient extends PgClient {
    constructor(config: unknown) {
      super(config);
      // Invisible to migration code: knex.client.config.client stays the name the knexfile gave ('pg'), as
      // migrations that branch on the dialect read it (joplin's isPostgres(db)); knex keeps its own copy of the config.
      (this as unknown as { config: { client: unknown } }).config.client = clientName;
    }

    override async _query(connection: pg.Client & { __knexTxId?: string }, obj: QueryObject): Promise<unknown> {
      const migration = state.current;
      if (!migration) return super._query(connection, obj);
      const g = await guard();
      if (TRANSACTION_CONTROL.test(obj.sql)) {
        // A migration's own knex.transaction(): the statements after it run in another database transaction.
        g.transactionControl(obj.sql);
        return super._query(connection, obj);
      }
      const session: GuardSession = {
        inTransaction: !!connection.__knexTxId,
        query: (sql, params) => connection.query(sql, params as unknown[]),
      };
      // Bound values stay $1, $2 ... for the analysis: PostgreSQL's parser reads them as parameters.
      return g.execute(obj.sql, session, () => super._query(connection, obj));
    }
  }
  (PgsafeKnexClient.prototype as unknown as Record<symbol, MigrationState>)[STATE] = state;
  return PgsafeKnexClient;
}
