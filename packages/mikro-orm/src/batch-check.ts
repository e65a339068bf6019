/**
 * Before a run with `allOrNothing` (MikroORM's default: one open transaction around the whole batch), refuse a batch
 * in which a non-transactional migration would wait for locks that transaction holds, or use a table it created (see
 * core's openTransactionWaits): it would hang until a timeout with the earlier migrations' locks held, or fail after
 * they ran. Nothing has run yet.
 */
import { loadModule, openTransactionWaits, type BatchMigration, type OpenTransactionWait } from '@pgsafe/core/guard';
import { migrationClass, planningDriver, plannedSql, type MikroMigration } from './migration-sql.js';

export interface PendingMigration {
  name: string;
  path?: string;
}

/** The pending migrations `up(options)` would run, as far as the options say (names with or without extension). */
export function selectPending(pending: PendingMigration[], options: unknown): PendingMigration[] {
  const strip = (n: string) => n.replace(/\.[cm]?[jt]s$/, '');
  const opts = typeof options === 'string' ? { migrations: [options] } : Array.isArray(options) ? { migrations: options as string[] } : ((options ?? {}) as { to?: string; migrations?: string[] });
  if (opts.migrations?.length) {
    const wanted = new Set(opts.migrations.map(strip));
    return pending.filter((m) => wanted.has(strip(m.name)));
  }
  if (opts.to) {
    const end = pending.findIndex((m) => strip(m.name) === strip(opts.to!));
    return end === -1 ? pending : pending.slice(0, end + 1);
  }
  return pending;
}

/** Each migration's statements and transaction setting, read from its file without running any SQL. A migration
 *  whose up() cannot be read this way counts as having none. Only the migrations up to the last non-transactional
 *  one are read (none when every one is transactional, the usual case): nothing after it can wait for the batch. */
export async function describeBatch(pending: PendingMigration[], driver: object, config: unknown, transactional: boolean): Promise<BatchMigration[]> {
  const found: { name: string; migration: MikroMigration }[] = [];
  for (const { name, path } of pending) {
    if (!path) continue;
    const Class = migrationClass(await loadModule(path));
    if (Class) found.push({ name, migration: new Class(planningDriver(driver), config) });
  }
  const outside = transactional ? found.map((f) => !f.migration.isTransactional()).lastIndexOf(true) : found.length - 1;
  const batch: BatchMigration[] = [];
  for (const { name, migration } of found.slice(0, outside + 1)) {
    batch.push({ name, statements: await plannedSql(migration).catch(() => []), transactional: transactional && migration.isTransactional() });
  }
  return batch;
}

export class SelfDeadlockError extends Error {
  constructor(waits: OpenTransactionWait[]) {
    const first = waits[0]!;
    super(
      [
        `pgsafe refused to run the pending migrations: nothing was run. MikroORM's migrations.allOrNothing (on by default) keeps one transaction open around the whole batch, and ${first.migration} runs outside it (isTransactional() returns false) on another connection.`,
        ...waits.map((w) =>
          w.reason === 'created'
            ? `  ${w.migration}: ${w.statement}\n    would fail with "relation does not exist": ${w.heldBy} creates ${w.table}, which the other connection sees only once the batch commits:\n    ${w.heldByStatement}`
            : `  ${w.migration}: ${w.statement}\n    waits for the lock on ${w.table} that ${w.heldBy} took and keeps until the batch commits:\n    ${w.heldByStatement}\n    The batch would wait for itself until a lock or statement timeout, holding that lock (every query on the table queues behind it).`,
        ),
        `Fix: set migrations: { allOrNothing: false } in the MikroORM config (each migration then commits on its own), or apply the migrations before ${first.migration} first (mikro-orm migration:up --to <the one before it>), then run migration:up again.`,
      ].join('\n'),
    );
    this.name = 'SelfDeadlockError';
    this.stack = `${this.name}: ${this.message}`;
  }
}

export async function refuseSelfDeadlock(batch: BatchMigration[]): Promise<void> {
  const waits = await openTransactionWaits(batch);
  if (waits.length) throw new SelfDeadlockError(waits);
}
