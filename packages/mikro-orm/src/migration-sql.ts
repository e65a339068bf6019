/**
 * What a MikroORM migration sends: its up() (or down()) only collects statements with addSql(), getQueries() returns
 * them, and the runner sends them one by one afterwards. Shared by MikroORM 6 and 7 (same Migration API).
 */
export interface MikroMigration {
  name?: string;
  up(): unknown;
  down(): unknown;
  isTransactional(): boolean;
  getQueries(): unknown[];
  reset(): void;
}

export type MikroMigrationClass = new (driver: unknown, config: unknown) => MikroMigration;

/** The migration class of a module, as MikroORM picks it: the first exported function. */
export function migrationClass(mod: Record<string, unknown>): MikroMigrationClass | undefined {
  const values = [...Object.values(mod), ...(mod.default && typeof mod.default === 'object' ? Object.values(mod.default) : [])];
  return values.find((v): v is MikroMigrationClass => typeof v === 'function' && typeof (v as { prototype?: { up?: unknown } }).prototype?.up === 'function');
}

/** A query as addSql() accepts it: a string, a raw() fragment (v7), or a query builder, whose toString() writes its
 *  SQL with the values in (v6 knex, v7 NativeQueryBuilder). */
export function queryText(query: unknown): string {
  if (typeof query === 'string') return query;
  const raw = query as { sql?: unknown };
  return typeof raw?.sql === 'string' ? raw.sql : String(query);
}

/** The SQL `method` would send, without sending anything. Migrations that run SQL inside up() through
 *  this.execute() reach `driver`, which the caller makes refuse. */
export async function plannedSql(migration: MikroMigration, method: 'up' | 'down' = 'up'): Promise<string[]> {
  migration.reset();
  await migration[method]();
  const statements = migration.getQueries().map(queryText).filter((s) => s.trim());
  migration.reset();
  return statements;
}

/** A driver for planning only: running SQL during planning would apply it twice. */
export function planningDriver(driver?: object): object {
  const refuse = () => {
    throw new Error('this migration runs SQL inside up() (this.execute() or the EntityManager), which pgsafe cannot check before it runs; use addSql()');
  };
  return new Proxy(driver ?? {}, { get: (target, key) => (key === 'execute' ? refuse : Reflect.get(target, key)) });
}
