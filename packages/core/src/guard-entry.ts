/**
 * `@pgsafe/core/guard`: what the knex, TypeORM and MikroORM adapters need, and nothing else. Importing it loads only
 * small modules; the guard itself (the parser, the rules, the planner) and the project's config are loaded when the
 * first migration statement arrives (`startGuard`), so that an application importing an adapter at start-up pays
 * nothing, and a deploy loads none of check's reports, fix, rehearse, trace or rule pages (the main entry does).
 */
import type { GuardOptions } from './guard/types.js';
import type { MigrationGuard } from './guard/guard.js';
import type { BatchMigration, OpenTransactionWait } from './guard/open-transaction-waits.js';

export { OUTSIDE_TRANSACTION, outsideTransactionHints } from './guard/types.js';
export type { GuardOptions, GuardSession, GuardEvent, MigrationInfo, MigrationCollector, CollectedMigration } from './guard/types.js';
export type { MigrationGuard } from './guard/guard.js';
export type { BatchMigration, OpenTransactionWait } from './guard/open-transaction-waits.js';
export type { PgsafeConfig } from './config.js';
export { quoteIdent, quoteLiteral } from './sql.js';
export { loadModule, exported, isModuleMatching } from './load-module.js';

/** A MigrationGuard with `options`; without `options.config`, the nearest pgsafe.config.* from `cwd` upward. */
export async function startGuard(options: GuardOptions, cwd = process.cwd()): Promise<MigrationGuard> {
  const [{ MigrationGuard }, { config }] = await Promise.all([
    import('./guard/guard.js'),
    options.config ? { config: options.config } : import('./config-file.js').then((m) => m.loadConfig(cwd)),
  ]);
  return new MigrationGuard({ ...options, config });
}

/** See guard/open-transaction-waits.ts (MikroORM's allOrNothing batch with a non-transactional migration in it). */
export async function openTransactionWaits(batch: BatchMigration[]): Promise<OpenTransactionWait[]> {
  return (await import('./guard/open-transaction-waits.js')).openTransactionWaits(batch);
}
