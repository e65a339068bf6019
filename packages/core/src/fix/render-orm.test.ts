import { beforeAll, describe, expect, it } from 'vitest';
import { loadParser, parseMigration } from '../parse.js';
import { fix } from './fix.js';
import { renderKnexMigrations, renderMikroOrmMigrations, renderTypeormMigrations } from './render-orm.js';

beforeAll(() => loadParser());
const fixSql = (sql: string, options = {}) => fix(parseMigration(sql, 'm.sql'), { pgVersion: 15, ...options });

/** Loads a written migration with a stand-in for @mikro-orm/migrations: what up() hands to addSql, and whether
 *  MikroORM would run it in a transaction. */
function load(code: string, cls: string): { queries: string[]; transactional: boolean } {
  class Migration {
    queries: string[] = [];
    addSql(sql: string) {
      this.queries.push(sql);
    }
    isTransactional() {
      return true;
    }
  }
  const exports: Record<string, new () => Migration & { up(): Promise<void> }> = {};
  new Function('require', 'exports', code)(() => ({ Migration }), exports);
  const migration = new exports[cls]!();
  void migration.up();
  return { queries: migration.queries, transactional: migration.isTransactional() };
}

describe('renderMikroOrmMigrations', () => {
  const SQL = "CREATE INDEX orders_customer_idx ON orders (customer_id);\nALTER TABLE orders ADD CONSTRAINT orders_data_k CHECK (data ? 'k' AND note <> E'a\\\\b`${x}`\\n');\nALTER TABLE orders ADD COLUMN status text NOT NULL;\n";

  it('writes one class per step, in the order MikroORM sorts them, outside a transaction where the step must be', () => {
    const result = fixSql(SQL, { values: { status: "'new'" } });
    const files = renderMikroOrmMigrations(result, 'Migration20260101000000_orders');
    const names = files.map((f) => f.path.replace(/\.js$/, ''));
    expect(names[0]).toBe('Migration20260101000000_orders');
    expect(names.slice(1).every((n) => n.startsWith('Migration20260101000000_orders_pgsafe'))).toBe(true);
    // MikroORM's migrations are the directory's files in name order: that must be the order of the steps.
    expect(files.map((f) => f.path).sort()).toEqual(files.map((f) => f.path));
    expect(files.length).toBe(result.steps.length);
    for (const [i, file] of files.entries()) {
      expect(file.sql).toContain(`class ${names[i]} extends Migration {`);
      expect(file.sql).toContain(`exports.${names[i]} = ${names[i]};`);
      const { queries, transactional } = load(file.sql, names[i]!);
      const step = result.steps[i]!;
      expect(transactional).toBe(step.transactional);
      // The SQL reaches addSql exactly as planned: quotes, backslashes, backticks, `${` and newlines included.
      const statements = parseMigration(step.sql, 'm.sql').statements.map((s) => `${s.text};`);
      expect(queries).toEqual(step.transactional ? ["SET LOCAL lock_timeout = '2s';", ...(step.long ? [] : ["SET LOCAL statement_timeout = '1min';"]), ...statements] : statements);
    }
    expect(result.steps.some((s) => !s.transactional && /CONCURRENTLY/.test(s.sql))).toBe(true);
    expect(result.steps.some((s) => !s.transactional && /COMMIT/.test(s.sql))).toBe(true);
  });

  it('leaves ? as written: addSql runs without bindings, unlike knex.raw', () => {
    const [file] = renderMikroOrmMigrations(fixSql("ALTER TABLE orders ADD CONSTRAINT orders_data_k CHECK (data ? 'k') NOT VALID;\n", { runnerSetsTimeouts: true }), 'Migration20260101000000');
    expect(file!.path).toBe('Migration20260101000000.js');
    expect(load(file!.sql, 'Migration20260101000000').queries).toEqual(["ALTER TABLE orders ADD CONSTRAINT orders_data_k CHECK (data ? 'k') NOT VALID;"]);
  });

  it('says above the first migration of each later deploy what the application must do first', () => {
    const result = fixSql('ALTER TABLE orders RENAME COLUMN customer_id TO client_id;\n', { types: { customer_id: 'bigint' } });
    const files = renderMikroOrmMigrations(result, 'Migration20260101000000_rename');
    expect(new Set(files.map((f) => f.deploy))).toEqual(new Set([1, 2, 3]));
    for (const deploy of [2, 3]) {
      const first = files.find((f) => f.deploy === deploy)!;
      expect(first.sql).toMatch(new RegExp(`^// pgsafe fix: deploy ${deploy} of 3\\.\\n// Before this migration runs, the application must: `));
    }
    // Later deploys wait outside the migrations directory; once moved in, MikroORM's name order is the run order.
    for (const f of files) expect(f.path.startsWith(`../pgsafe-deploy-${f.deploy}/`)).toBe(f.deploy > 1);
    const names = files.map((f) => f.path.replace(/^.*\//, ''));
    expect([...names].sort()).toEqual(names);
  });

  it('refuses a name that is not MikroORM’s', () => {
    expect(() => renderMikroOrmMigrations(fixSql('SELECT 1;\n'), '042_orders')).toThrow('a MikroORM migration is named Migration<timestamp>[_<name>], e.g. Migration20260101000000_add_status: got 042_orders');
  });
});

describe('later deploys', () => {
  it('go outside the migrations directory for knex and TypeORM too, so that one migrate command cannot run them all', () => {
    const result = fixSql('ALTER TABLE orders RENAME COLUMN customer_id TO client_id;\n', { types: { customer_id: 'bigint' } });
    expect(renderKnexMigrations(result, '20260101000000_rename').map((f) => f.path)).toEqual([
      '20260101000000_rename.js',
      '../pgsafe-deploy-2/20260101000000_rename_deploy2.js',
      '../pgsafe-deploy-3/20260101000000_rename_deploy3.js',
    ]);
    expect(renderTypeormMigrations(result, '1767225600000-Rename').map((f) => f.path)).toEqual([
      '1767225600000-Rename.js',
      '../pgsafe-deploy-2/1767225600001-RenameDeploy2.js',
      '../pgsafe-deploy-3/1767225600002-RenameDeploy3.js',
    ]);
  });
});
