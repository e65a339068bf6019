// How each real project runs its migrations, found from the extracted project's layout. Nothing of a project is
// copied into this repository: its files are read from the given path, built in a scratch directory, and the only
// code written here is the shims for its non-SQL imports (feature-flag constants, seed data, uuid and sleep helpers).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { buildProject } from './lib.mjs';

const dirs = (p) => (existsSync(p) ? readdirSync(p).filter((n) => statSync(join(p, n)).isDirectory()) : []);

/** A Prisma migrations folder: subdirectories holding migration.sql. */
function prismaMigrations(root) {
  const found = [];
  const walk = (dir, depth) => {
    if (depth > 5 || /node_modules|\.git/.test(dir)) return;
    const subs = dirs(dir);
    if (basename(dir) === 'migrations' && subs.some((s) => existsSync(join(dir, s, 'migration.sql')))) return found.push(dir);
    for (const s of subs) walk(join(dir, s), depth + 1);
  };
  walk(root, 0);
  return found;
}

export function detect(root, orm) {
  const joplin = join(root, 'packages/server/src/migrations');
  const medusa1 = join(root, 'packages/medusa/src/migrations');
  const medusa2 = join(root, 'packages/modules');
  const candidates = [
    existsSync(joplin) && { orm: 'knex', name: 'joplin', prepare: () => joplinProject(root) },
    existsSync(medusa1) && { orm: 'typeorm', name: 'medusa-v1', prepare: () => medusaV1Project(root) },
    existsSync(medusa2) && { orm: 'mikro-orm', name: 'medusa-v2', prepare: () => medusaV2Project(root) },
    ...prismaMigrations(root).map((dir) => ({ orm: 'prisma', name: basename(root), prepare: () => ({ kind: 'prisma', migrationsDir: dir, dir: undefined }) })),
  ].filter(Boolean);
  const picked = candidates.filter((c) => !orm || c.orm === orm);
  if (picked.length === 0) throw new Error(`${root}: no project layout this bench knows (joplin/knex, medusa v1/TypeORM, medusa v2/MikroORM, a Prisma migrations folder)${orm ? ` for --orm ${orm}` : ''}`);
  return picked[0];
}

/** joplin server (knex): TypeScript migrations importing ../db (the connection type, the admin defaults, and
 *  isPostgres(), which reads knex.client.config.client exactly as joplin's does), a password hasher, a sleep and a
 *  uuid helper. */
function joplinProject(root) {
  const build = buildProject({
    label: 'joplin',
    files: [{ from: join(root, 'packages/server/src/migrations'), to: 'migrations' }],
    packages: ['knex'],
    shims: {
      'db.ts': `import type { Knex } from 'knex';
export type DbConnection = Knex;
export const defaultAdminEmail = 'admin@localhost';
export const defaultAdminPassword = 'admin';
// joplin: clientType(db) === DatabaseConfigClient.PostgreSQL, where PostgreSQL = 'pg'.
export const clientType = (db: DbConnection): string => (db as any).client.config.client;
export const isPostgres = (db: DbConnection) => clientType(db) === 'pg';
export const isSqlite = (db: DbConnection) => clientType(db) === 'sqlite3';
`,
      'utils/auth.ts': `export async function hashPassword(password: string): Promise<string> { return 'bench-hash:' + password; }\n`,
      'utils/time.ts': `export function msleep(ms: number): Promise<void> { return new Promise((r) => setTimeout(r, ms)); }\n`,
    },
    packageShims: { '@joplin/lib/uuid': "exports.uuidgen = () => require('crypto').randomUUID().replace(/-/g, '');\n" },
  });
  return { kind: 'knex', ...build, migrationsDir: join(build.dist, 'migrations'), table: 'knex_migrations' };
}

/** medusa v1 (TypeORM 0.3): migrations may export `featureFlag`; medusa runs those only when the flag is on (by
 *  default: sales_channels and analytics on, tax_inclusive_pricing and medusa_v2 off). Seed data (countries,
 *  currencies) is shimmed with a few entries of the same shape. */
function medusaV1Project(root) {
  const flag = (key) => `export default { key: '${key}' };\n`;
  const build = buildProject({
    label: 'medusa-v1',
    files: [{ from: join(root, 'packages/medusa/src/migrations'), to: 'migrations' }],
    packages: ['typeorm'],
    shims: {
      'loaders/feature-flags/sales-channels.ts': flag('sales_channels'),
      'loaders/feature-flags/analytics.ts': flag('analytics'),
      'loaders/feature-flags/tax-inclusive-pricing.ts': flag('tax_inclusive_pricing'),
      'utils/countries.ts': `export const countries = [
  { alpha2: 'US', alpha3: 'USA', numeric: '840', name: 'United States' },
  { alpha2: 'DK', alpha3: 'DNK', numeric: '208', name: 'Denmark' },
  { alpha2: 'FR', alpha3: 'FRA', numeric: '250', name: 'France' },
];\n`,
      'utils/currencies.ts': `export const currencies = {
  USD: { code: 'USD', symbol: '$', symbol_native: '$', name: 'US Dollar' },
  EUR: { code: 'EUR', symbol: '€', symbol_native: '€', name: 'Euro' },
  DKK: { code: 'DKK', symbol: 'Dkr', symbol_native: 'kr', name: 'Danish Krone' },
};\n`,
    },
    packageShims: { '@medusajs/utils': "exports.MedusaV2Flag = { key: 'medusa_v2' };\n" },
  });
  return { kind: 'typeorm', ...build, migrationsDir: join(build.dist, 'migrations'), enabledFlags: ['sales_channels', 'analytics'], table: 'migrations' };
}

/** medusa v2 (MikroORM 6): one migrations folder per module, each run by the module's own MikroORM migrator
 *  (allOrNothing, MikroORM's default). workflow-engine-redis and -inmemory create the same table: a deploy has one of
 *  them (inmemory here). The SQL helper generatePostgresAlterColummnIfExistStatement is shimmed with the same output
 *  shape (a DO block altering each column when it exists). */
function medusaV2Project(root) {
  const modules = dirs(join(root, 'packages/modules')).filter((m) => m !== 'workflow-engine-redis' && existsSync(join(root, 'packages/modules', m, 'src/migrations')));
  const build = buildProject({
    label: 'medusa-v2',
    files: modules.map((m) => ({ from: join(root, 'packages/modules', m, 'src/migrations'), to: `modules/${m}/migrations` })),
    packages: ['@mikro-orm/migrations', '@mikro-orm/core'],
    packageShims: {
      '@medusajs/framework/utils': `exports.generatePostgresAlterColummnIfExistStatement = (tableName, columns, alterExpression) => {
  let script = '\\nDO $$\\nBEGIN';
  for (const column of columns) {
    script += \`
  IF EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = '\${tableName}' AND column_name = '\${column}') THEN
    ALTER TABLE "\${tableName}" ALTER COLUMN "\${column}" \${alterExpression};
  END IF;\`;
  }
  return script + '\\nEND$$;\\n';
};
`,
    },
  });
  return { kind: 'mikro-orm', ...build, modules: modules.map((m) => ({ name: m, path: join(build.dist, 'modules', m, 'migrations') })), table: 'mikro_orm_migrations' };
}
