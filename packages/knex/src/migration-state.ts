/**
 * Which migration knex is running, and in which direction: the guard checks only the statements a migration's up()
 * or down() sends, never knex's own bookkeeping (knex_migrations, its lock table, the batch queries).
 *
 * The migration comes from knex's beforeEach/afterEach hooks (knex 3.2+), which wrap exactly the up()/down() call,
 * in its transaction when there is one; the bookkeeping INSERT comes after afterEach. The direction is not passed to
 * the hooks: it is read where the migrator starts a batch (`_waterfallBatch(batchNo, migrations, direction, trx)`,
 * private, hence the pinned peer range), and kept with the client class.
 */
import { createRequire } from 'node:module';

export interface MigrationState {
  /** Set between beforeEach and afterEach. */
  current?: { name: string; file?: string; direction: 'up' | 'down' };
  direction: 'up' | 'down';
}

export const STATE = Symbol.for('pgsafe.knex.state');

interface MigratorLike {
  knex: { client: Record<PropertyKey, unknown> };
}
type Waterfall = (this: MigratorLike, batchNo: number, migrations: unknown[], direction: 'up' | 'down', trx?: unknown) => Promise<unknown>;

const PATCHED = Symbol.for('pgsafe.knex.patched');

/** Makes the migrator record each batch's direction on the config of a pgsafe-guarded knex (once per knex copy). */
export function recordDirections(require: NodeRequire = createRequire(import.meta.url)): void {
  const { Migrator } = require('knex/lib/migrations/migrate/Migrator') as { Migrator: { prototype: Record<PropertyKey, unknown> } };
  const proto = Migrator.prototype;
  if (proto[PATCHED]) return;
  const original = proto._waterfallBatch as Waterfall;
  if (typeof original !== 'function') throw new Error('@pgsafe/knex: this knex version has no Migrator._waterfallBatch; supported: knex 3.2 and 3.3');
  proto._waterfallBatch = function (this: MigratorLike, batchNo, migrations, direction, trx) {
    const state = this.knex.client[STATE] as MigrationState | undefined;
    if (state) state.direction = direction;
    return original.call(this, batchNo, migrations, direction, trx);
  } satisfies Waterfall;
  proto[PATCHED] = true;
}

/** The migration's name and file from what knex's FsMigrations (or a custom source) passes to the hooks. */
export function describeMigration(migration: unknown): { name: string; file?: string } {
  if (migration && typeof migration === 'object' && 'file' in migration) {
    const { file, directory } = migration as { file: string; directory?: string };
    return { name: file, ...(directory ? { file: `${directory.replace(/\/+$/, '')}/${file}` } : {}) };
  }
  return { name: typeof migration === 'string' ? migration : String((migration as { name?: string })?.name ?? migration) };
}
