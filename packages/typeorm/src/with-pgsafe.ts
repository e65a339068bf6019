/**
 * `export default withPgsafe(new DataSource({ type: 'postgres', ... }))` in the data-source file: the stock TypeORM
 * CLI (`typeorm migration:run -d data-source.js`) and `dataSource.runMigrations()` then check every statement a
 * migration's up() sends before it reaches PostgreSQL (error-level findings stop it: TypeORM rolls back and records
 * nothing), run it under lock_timeout / statement_timeout with lock-timeout retries, and hold an advisory lock for the
 * whole run. down() gets the same timeouts; its findings are only reported.
 */
import { outsideTransactionHints, startGuard, type GuardOptions, type MigrationGuard, type PgsafeConfig } from '@pgsafe/core/guard';
import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { guardQueryRunner, type MigrationState } from './guarded-query-runner.js';
import { withMigrationLock } from './migration-lock.js';

export interface PgsafeTypeormOptions {
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

/** How a migration runs outside TypeORM's transaction, for the DataSource's migrationsTransactionMode: given at the
 *  first refusal whose safe form needs it, never a COMMIT inside TypeORM's transaction. In mode "all" (the default)
 *  TypeORM refuses a migration's own `transaction = false` (ForbiddenTransactionModeOverrideError): the hint says so. */
export function hints(mode: string = 'all'): Record<string, string> {
  const what = 'the statements that must run outside a transaction (CREATE INDEX CONCURRENTLY, which the generator writes for @Index({ concurrent: true }), or what a recipe puts after the transaction\'s end)';
  const outside =
    mode === 'each'
      ? `TypeORM runs this migration in a transaction of its own (migrationsTransactionMode 'each'). Put ${what} in a migration class of their own with \`transaction = false\`.`
      : `TypeORM runs all pending migrations in one transaction (migrationsTransactionMode '${mode}'), and in that mode refuses a migration's own \`transaction = false\` (ForbiddenTransactionModeOverrideError). Set \`migrationsTransactionMode: 'each'\` on the DataSource (or run \`typeorm migration:run -t each\`), and put ${what} in a migration class of their own with \`transaction = false\`.`;
  return outsideTransactionHints(outside);
}

/** The hints for TypeORM's default mode ("all"). */
export const HINTS = hints();

const WRAPPED = Symbol.for('pgsafe.typeorm.wrapped');

export function withPgsafe<T extends DataSource>(dataSource: T, options: PgsafeTypeormOptions = {}): T {
  if (dataSource.options.type !== 'postgres') throw new TypeError(`@pgsafe/typeorm guards PostgreSQL migrations: the DataSource type must be 'postgres' (got ${JSON.stringify(dataSource.options.type)})`);
  const ds = dataSource as unknown as Record<symbol, unknown>;
  if (ds[WRAPPED]) return dataSource;
  ds[WRAPPED] = true;

  let guard: Promise<MigrationGuard> | undefined;
  const getGuard = () =>
    (guard ??= startGuard({ ...(options.config ? { config: options.config } : {}), hints: hints((dataSource.options as { migrationsTransactionMode?: string }).migrationsTransactionMode), ...(options.onEvent ? { onEvent: options.onEvent } : {}), ...(options.policy ? { policy: options.policy } : {}) }));
  const state: MigrationState = {};

  const driver = dataSource.driver;
  const createRunner = driver.createQueryRunner.bind(driver);
  driver.createQueryRunner = (mode) => guardQueryRunner(createRunner(mode), state, getGuard);

  const initialize = dataSource.initialize.bind(dataSource);
  dataSource.initialize = async () => {
    const result = await initialize();
    for (const migration of dataSource.migrations) trackMigration(migration, state, getGuard, options.enforce !== false);
    return result;
  };
  const say = (line: string) => process.stderr.write(`${line}\n`);
  const runMigrations = dataSource.runMigrations.bind(dataSource);
  dataSource.runMigrations = (opts) => withMigrationLock(dataSource, () => createRunner('master'), () => runMigrations(opts).catch(explainTransactionMode), say);
  const undoLastMigration = dataSource.undoLastMigration.bind(dataSource);
  dataSource.undoLastMigration = (opts) => withMigrationLock(dataSource, () => createRunner('master'), () => undoLastMigration(opts), say);
  return dataSource;
}

/** TypeORM's own refusal of `transaction = false` in mode "all", before anything runs: say what else it needs. */
function explainTransactionMode(error: unknown): never {
  if (error instanceof Error && error.name === 'ForbiddenTransactionModeOverrideError') {
    const original = error.message;
    error.message += `\npgsafe: TypeORM accepts a migration's own \`transaction = false\` only with \`migrationsTransactionMode: 'each'\` on the DataSource (or \`typeorm migration:run -t each\`): each migration then runs in a transaction of its own, and that one in none.`;
    // The CLI prints the stack, which holds the message as it was when the error was made.
    if (error.stack) error.stack = error.stack.replace(original, error.message);
  }
  throw error;
}

/** Marks the migration's up() and down() as the span whose statements the guard checks. */
function trackMigration(migration: MigrationInterface, state: MigrationState, guard: () => Promise<MigrationGuard>, enforce: boolean): void {
  const name = migration.name ?? migration.constructor.name;
  for (const direction of ['up', 'down'] as const) {
    const original = migration[direction].bind(migration);
    migration[direction] = async (runner: QueryRunner) => {
      const g = await guard();
      state.current = { name, direction };
      g.beginMigration(name, { enforce: enforce && direction === 'up' });
      try {
        return await original(runner);
      } finally {
        state.current = undefined;
        g.endMigration();
      }
    };
  }
}
