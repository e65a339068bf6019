/**
 * MikroORM's MigrationRunner (the same shape in 6 and 7) with every statement of a migration passed through the
 * pgsafe guard. `run()` marks the migration; the runner's driver is replaced by one whose execute() guards what the
 * runner sends: inside the migration's transaction on that transaction, outside one on the run's pinned connection.
 * The migrator's bookkeeping goes through its own driver and is never checked.
 */
import type { GuardSession, MigrationGuard } from '@pgsafe/core/guard';
import { inline, type MikroDriver, type PinnedConnection } from './pinned-connection.js';
import { queryText, type MikroMigration } from './migration-sql.js';

export interface MikroRunner {
  driver: MikroDriver;
  options: { transactional?: boolean };
  run(migration: MikroMigration, method: 'up' | 'down', afterRun?: unknown): Promise<void>;
}

export interface RunState {
  /** The migration MikroORM announced ('migrating' / 'reverting'): its name and file. */
  announced?: { name: string; path?: string };
  /** The connection held for the run (see pinned-connection.ts). */
  pinned?: PinnedConnection;
  /** Set while a migration's statements are being sent. */
  running?: boolean;
}

const GUARDED = Symbol.for('pgsafe.mikro-orm.runner');

export function guardRunner(runner: MikroRunner, state: RunState, guard: () => Promise<MigrationGuard>, enforce = true): MikroRunner {
  if ((runner as unknown as Record<symbol, unknown>)[GUARDED]) return runner;
  (runner as unknown as Record<symbol, unknown>)[GUARDED] = true;
  const driver = runner.driver;
  const run = runner.run.bind(runner);

  runner.driver = Object.create(driver, {
    execute: {
      value: async (query: unknown, params?: unknown[], method?: string, ctx?: unknown, loggerContext?: unknown) => {
        if (!state.running) return driver.execute(query, params, method, ctx, loggerContext);
        const g = await guard();
        if (ctx) {
          const session: GuardSession = {
            inTransaction: true,
            query: async (sql, values) => ({ rows: (await driver.execute(inline(sql, values), [], 'all', ctx)) as Record<string, unknown>[] }),
          };
          return g.execute(queryText(query), session, () => driver.execute(query, params, method, ctx, loggerContext));
        }
        const pinned = state.pinned;
        if (!pinned) throw new Error('@pgsafe/mikro-orm: a non-transactional migration ran outside migrator.up()/down()');
        return g.execute(queryText(query), pinned.session, () => pinned.send(query, params));
      },
    },
  }) as MikroDriver;

  runner.run = async (migration, method, afterRun) => {
    const g = await guard();
    const name = state.announced?.name ?? migration.name ?? migration.constructor.name;
    g.beginMigration(name, { ...(state.announced?.path ? { file: state.announced.path } : {}), enforce: enforce && method === 'up' });
    state.running = true;
    try {
      return await run(migration, method, afterRun);
    } finally {
      state.running = false;
      state.announced = undefined;
      g.endMigration();
    }
  };
  return runner;
}
