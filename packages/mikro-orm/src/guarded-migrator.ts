/**
 * The project's MikroORM Migrator class (6 or 7, taken from the config's extensions, so that the adapter never loads
 * a MikroORM of its own) extended with pgsafe: its runner guards each statement (guarded-runner.ts), and each
 * migrator.up()/down() (what `mikro-orm migration:up|down` calls) holds the advisory lock on a pinned connection
 * and, under allOrNothing, first refuses a batch that would wait for itself (batch-check.ts).
 *
 * The class must be named `Migrator`: MikroORM adds its stock Migrator to the extensions unless one of them has
 * that name.
 */
import type { MigrationGuard } from '@pgsafe/core/guard';
import { describeBatch, refuseSelfDeadlock, selectPending, type PendingMigration } from './batch-check.js';
import { guardRunner, type MikroRunner, type RunState } from './guarded-runner.js';
import { lockKey, withMigrationLock } from './migration-lock.js';
import { withPinnedConnection, type MikroDriver } from './pinned-connection.js';
import { guardGenerator, type GeneratorMode, type MikroGenerator } from './safe-generator.js';

interface MigratorInstance {
  driver: MikroDriver;
  config: unknown;
  options: { transactional?: boolean; allOrNothing?: boolean; tableName?: string; schema?: string };
  runner: MikroRunner;
  generator: MikroGenerator;
  on(event: string, listener: (e: { name: string; path?: string }) => unknown): unknown;
  /** v7 */
  getPending?(): Promise<PendingMigration[]>;
  /** v6 */
  getPendingMigrations?(): Promise<PendingMigration[]>;
  runMigrations(method: 'up' | 'down', options?: unknown): Promise<unknown>;
}

export type MigratorClass = (new (em: unknown) => MigratorInstance) & { register(orm: unknown): void };

const GUARDED = Symbol.for('pgsafe.mikro-orm.migrator');

export function isGuarded(Class: unknown): boolean {
  return !!(Class as Record<symbol, unknown>)[GUARDED];
}

export interface MigratorSettings {
  guard: () => Promise<MigrationGuard>;
  generator: GeneratorMode;
  /** false: error-level findings are reported, never refused. */
  enforce: boolean;
  pgVersion?: number;
  say: (line: string) => void;
}

export function guardedMigratorClass(Base: MigratorClass, { guard, generator: mode, enforce, pgVersion, say }: MigratorSettings): MigratorClass {
  class Migrator extends Base {
    static readonly [GUARDED] = true;

    constructor(em: unknown) {
      super(em);
      const state: RunState = {};
      // MikroORM 7 makes a new runner and generator when init() creates the database: guard whichever is set.
      let runner = guardRunner(this.runner, state, guard, enforce);
      Object.defineProperty(this, 'runner', { configurable: true, enumerable: true, get: () => runner, set: (r: MikroRunner) => (runner = guardRunner(r, state, guard, enforce)) });
      let generator = guardGenerator(this.generator, mode, pgVersion, say);
      Object.defineProperty(this, 'generator', { configurable: true, enumerable: true, get: () => generator, set: (g: MikroGenerator) => (generator = guardGenerator(g, mode, pgVersion, say)) });
      Object.defineProperty(this, STATE, { value: state });
      for (const event of ['migrating', 'reverting']) this.on(event, (e) => void (state.announced = { name: e.name, ...(e.path ? { path: e.path } : {}) }));
    }

    static override register(orm: unknown): void {
      const o = orm as { config: { registerExtension(name: string, factory: () => unknown): void }; em: unknown };
      // orm.em is read when the migrator is first asked for (MikroORM 7 registers extensions before it has one).
      o.config.registerExtension('@mikro-orm/migrator', () => new Migrator(o.em));
    }

    override async runMigrations(method: 'up' | 'down', options?: unknown): Promise<unknown> {
      const state = (this as unknown as Record<symbol, RunState>)[STATE]!;
      return withPinnedConnection(this.driver, (pinned) =>
        withMigrationLock(pinned.session, lockKey(this.options), async () => {
          // Under the lock: two runs creating the migrations table at once (v7 init(), v6 ensureDatabase()) collide.
          const self = this as unknown as { init?: () => Promise<void>; ensureDatabase?: () => Promise<void> };
          await (self.init ?? self.ensureDatabase)?.call(this);
          const external = !!(options && typeof options === 'object' && !Array.isArray(options) && (options as { transaction?: unknown }).transaction);
          if (method === 'up' && this.options.transactional !== false && (this.options.allOrNothing !== false || external)) {
            const batch = await describeBatch(selectPending(await (this.getPending ?? this.getPendingMigrations)!.call(this), options), this.driver, this.config, true);
            await refuseSelfDeadlock(batch);
          }
          state.pinned = pinned;
          try {
            return await super.runMigrations(method, options);
          } finally {
            state.pinned = undefined;
          }
        }, say),
      );
    }
  }
  return Migrator;
}

const STATE = Symbol('pgsafe.mikro-orm.state');
