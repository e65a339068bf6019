import type { OpenTransaction } from './context/open-transaction.js';
import type { RunnerName } from './context/runners.js';

/** What the analyzer knows about how and where the migration will run. */
/** `rolling`: the previous release keeps running while the migrations run and until the new one replaces it (rolling
 *  or blue-green deploys, several instances): it must not meet a renamed or dropped column or table. `stop-the-app`:
 *  the previous release is stopped before the migrations run and the new one starts after them (a single self-hosted
 *  instance, a maintenance window): no running code uses the old names. */
export const DEPLOYS = ['rolling', 'stop-the-app'] as const;
export type Deploy = (typeof DEPLOYS)[number];

export interface AnalyzeOptions {
  /** Target PostgreSQL major version. Default: the newest supported. */
  pgVersion?: number;
  /** The runner wraps the whole file in one transaction (knex, TypeORM, MikroORM defaults; `psql -1`). Default false. */
  assumeInTransaction?: boolean;
  /** The runner sends the file as one multi-statement query (Prisma up to 7.3, golang-migrate): PostgreSQL runs it as
   *  one implicit transaction, which a BEGIN in it makes explicit and a COMMIT ends (the statements after it start
   *  the next one). Default false. */
  implicitTransaction?: boolean;
  /** The runner sets lock_timeout and statement_timeout itself (the pgsafe executor and adapters do). Default false. */
  runnerSetsTimeouts?: boolean;
  /** Per rule id: another severity, or 'off' to not run it. */
  severities?: Record<string, 'error' | 'warning' | 'off'>;
  /** How the application is deployed around its migrations (see `Deploy`). Default 'rolling'. */
  deploy?: Deploy;
  /** The runner of the migration's folder, when its history is known (the layout, markers or config say it). */
  runner?: RunnerName;
  /** The transaction each statement will run in (by index; undefined = autocommit), when the runner regroups the
   *  statements: `pgsafe run` passes its plan's steps so the rules judge the grouping that will actually run. */
  transactions?: (number | undefined)[];
  /** The statements of transaction `openTransaction.transaction` run in a transaction earlier migrations ran in and
   *  left open (a runner that runs a batch of migrations in one transaction): what those still hold. */
  openTransaction?: OpenTransaction;
}

export const NEWEST_PG_VERSION = 18;
export const OLDEST_PG_VERSION = 11;

export interface ResolvedOptions {
  pgVersion: number;
  assumeInTransaction: boolean;
  implicitTransaction: boolean;
  runnerSetsTimeouts: boolean;
  severities: Record<string, 'error' | 'warning' | 'off'>;
  deploy: Deploy;
  runner?: RunnerName;
  transactions?: (number | undefined)[];
  openTransaction?: OpenTransaction;
}

export function resolveOptions(options: AnalyzeOptions = {}): ResolvedOptions {
  const pgVersion = options.pgVersion ?? NEWEST_PG_VERSION;
  if (!Number.isInteger(pgVersion) || pgVersion < OLDEST_PG_VERSION || pgVersion > NEWEST_PG_VERSION) {
    throw new RangeError(`pgVersion must be a PostgreSQL major version from ${OLDEST_PG_VERSION} to ${NEWEST_PG_VERSION}, got ${options.pgVersion}`);
  }
  return {
    pgVersion,
    assumeInTransaction: options.assumeInTransaction ?? false,
    implicitTransaction: options.implicitTransaction ?? false,
    runnerSetsTimeouts: options.runnerSetsTimeouts ?? false,
    severities: options.severities ?? {},
    deploy: options.deploy ?? 'rolling',
    ...(options.runner ? { runner: options.runner } : {}),
    ...(options.transactions ? { transactions: options.transactions } : {}),
    ...(options.openTransaction ? { openTransaction: options.openTransaction } : {}),
  };
}
