/**
 * `export default withPgsafe(defineConfig({ driver: PostgreSqlDriver, extensions: [Migrator], ... }))` in the
 * MikroORM config: the stock CLI (`mikro-orm migration:up|down`) and `orm.migrator.up()` then check every statement
 * a migration sends before it reaches PostgreSQL (error-level findings stop it: MikroORM rolls back and records
 * nothing), run it under lock_timeout / statement_timeout with lock-timeout retries, hold an advisory lock for the
 * whole run, and refuse up front a batch that allOrNothing would deadlock. down() gets the same timeouts; its
 * findings are only reported. MikroORM 6.6 and 7.
 */
import { outsideTransactionHints, startGuard, type GuardOptions, type MigrationGuard, type PgsafeConfig } from '@pgsafe/core/guard';
import { guardedMigratorClass, isGuarded, type MigratorClass } from './guarded-migrator.js';
import type { GeneratorMode } from './safe-generator.js';

export interface PgsafeMikroOrmOptions {
  /** pgsafe settings; default: the nearest pgsafe.config.* from the working directory. */
  config?: PgsafeConfig;
  /** Where findings, retries and dropped leftovers are reported; default: stderr. */
  onEvent?: GuardOptions['onEvent'];
  /** Retry back-off (tests shorten it). */
  policy?: GuardOptions['policy'];
  /** false: error-level findings are reported like warnings and nothing is refused (an audit of what the guard would
   *  refuse, e.g. over a whole history). Default true. */
  enforce?: boolean;
  /** What `migration:create` does with the stock generator's SQL: 'rewrite' (default) writes the safe form
   *  (CONCURRENTLY index builds in a non-transactional migration of their own, NOT VALID constraints validated in a
   *  later one) and prints what it cannot rewrite; 'check' only prints the findings; 'off' leaves it alone. */
  generator?: GeneratorMode;
}

/** What withPgsafe reads of MikroORM's Options (6 or 7), without importing either. */
interface MikroConfig {
  driver?: abstract new (...args: never[]) => unknown;
  extensions?: readonly unknown[];
}

/** How a migration runs outside MikroORM's transaction: given at the first refusal whose safe form needs it, never a
 *  COMMIT inside MikroORM's transaction. */
const OUTSIDE =
  'MikroORM runs this migration in a transaction. Put the statements that must run outside a transaction (CREATE INDEX CONCURRENTLY, or what a recipe puts after the transaction\'s end) in a migration class of their own with `override isTransactional(): boolean { return false; }`, and set `migrations: { allOrNothing: false }` (with allOrNothing, the default, one transaction holds the whole batch, and pgsafe refuses a batch in which the non-transactional migration would wait for it); `mikro-orm migration:create` through withPgsafe writes such migrations for you.';

export const HINTS: Record<string, string> = outsideTransactionHints(OUTSIDE);

export function withPgsafe<T extends MikroConfig>(config: T, options: PgsafeMikroOrmOptions = {}): T {
  if (config.driver && !/postgre/i.test(config.driver.name)) {
    throw new TypeError(`@pgsafe/mikro-orm guards PostgreSQL migrations: the config's driver must be PostgreSqlDriver (got ${config.driver.name})`);
  }
  const extensions = config.extensions ?? [];
  const base = extensions.find((e): e is MigratorClass => typeof e === 'function' && e.name === 'Migrator' && typeof (e as { register?: unknown }).register === 'function');
  if (!base) {
    throw new TypeError("@pgsafe/mikro-orm extends MikroORM's Migrator: add it to the config's extensions (import { Migrator } from '@mikro-orm/migrations'; ... extensions: [Migrator])");
  }
  if (isGuarded(base)) return config;
  let guard: Promise<MigrationGuard> | undefined;
  const getGuard = () =>
    (guard ??= startGuard({ ...(options.config ? { config: options.config } : {}), hints: HINTS, ...(options.onEvent ? { onEvent: options.onEvent } : {}), ...(options.policy ? { policy: options.policy } : {}) }));
  const Migrator = guardedMigratorClass(base, {
    guard: getGuard,
    generator: options.generator ?? 'rewrite',
    enforce: options.enforce !== false,
    ...(options.config?.pgVersion ? { pgVersion: options.config.pgVersion } : {}),
    say: (line) => process.stderr.write(`${line}\n`),
  });
  return { ...config, extensions: extensions.map((e) => (e === base ? Migrator : e)) };
}
