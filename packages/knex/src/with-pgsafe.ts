/**
 * `export default withPgsafe({ client: 'pg', connection, migrations })` in the knexfile: every statement a migration
 * sends is checked before it reaches PostgreSQL (error-level findings stop the migration, which knex rolls back and
 * does not record), and runs under lock_timeout / statement_timeout with lock-timeout retries (SET LOCAL and a
 * savepoint inside the migration's transaction; SET and restore outside). `down()` is guarded with the same timeouts,
 * but its findings are only reported: a rollback must not be blocked when it is needed.
 */
import { outsideTransactionHints, startGuard, type GuardOptions, type MigrationGuard, type PgsafeConfig } from '@pgsafe/core/guard';
import { guardedClientClass } from './guarded-client.js';
import { describeMigration, recordDirections, type MigrationState } from './migration-state.js';

export interface PgsafeKnexOptions {
  /** pgsafe settings; default: the nearest pgsafe.config.* from the working directory. */
  config?: PgsafeConfig;
  /** Where findings, retries and dropped leftovers are reported; default: stderr. */
  onEvent?: GuardOptions['onEvent'];
  /** Retry back-off (tests shorten it). */
  policy?: GuardOptions['policy'];
  /** false: error-level findings are reported like warnings and nothing is refused (an audit of what the guard would
   *  refuse, e.g. over a whole history). Default true. */
  enforce?: boolean;
}

type Hook = (knex: unknown, migrations: unknown[]) => unknown;
interface KnexConfig {
  client?: unknown;
  migrations?: { beforeEach?: Hook; afterEach?: Hook; [key: string]: unknown };
  [key: string]: unknown;
}

/** How a migration runs outside knex's transaction: given at the first refusal whose safe form needs it (a
 *  CONCURRENTLY build, or a recipe that ends the transaction), never a COMMIT inside knex's transaction. */
const OUTSIDE =
  "knex runs this migration in a transaction (by default one transaction for all pending migrations). Put the statements that must run outside a transaction (CREATE INDEX CONCURRENTLY, or what a recipe puts after the transaction's end) in a migration file of their own with `exports.config = { transaction: false }` (ESM: `export const config = { transaction: false }`); knex then runs each pending migration in a transaction of its own, and that one in none.";

export const HINTS: Record<string, string> = outsideTransactionHints(OUTSIDE);

const PG_CLIENTS = new Set(['pg', 'postgres', 'postgresql']);

export function withPgsafe<T extends KnexConfig>(config: T, options: PgsafeKnexOptions = {}): T {
  if (typeof config.client !== 'string' || !PG_CLIENTS.has(config.client)) {
    throw new TypeError(`@pgsafe/knex guards PostgreSQL migrations: the knexfile's client must be 'pg' (got ${JSON.stringify(config.client)})`);
  }
  recordDirections();
  let guard: Promise<MigrationGuard> | undefined;
  const getGuard = () =>
    (guard ??= startGuard({ ...(options.config ? { config: options.config } : {}), hints: HINTS, ...(options.onEvent ? { onEvent: options.onEvent } : {}), ...(options.policy ? { policy: options.policy } : {}) }));
  const state: MigrationState = { direction: 'up' };
  const migrations = config.migrations ?? {};
  const { beforeEach, afterEach } = migrations;
  return {
    ...config,
    client: guardedClientClass(getGuard, state, config.client),
    migrations: {
      ...migrations,
      async beforeEach(knex: unknown, list: unknown[]) {
        await beforeEach?.(knex, list);
        const migration = describeMigration(list[0]);
        state.current = { ...migration, direction: state.direction };
        (await getGuard()).beginMigration(migration.name, { ...(migration.file ? { file: migration.file } : {}), enforce: state.direction === 'up' && options.enforce !== false });
      },
      async afterEach(knex: unknown, list: unknown[]) {
        state.current = undefined;
        (await getGuard()).endMigration();
        await afterEach?.(knex, list);
      },
    },
  };
}
