/** What `pgsafe init` finds in a project: its ORMs (from package.json) and where each keeps its migrations (from the
 *  ORM's own config file, else from the migration files themselves). */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { globSync } from 'tinyglobby';
import { dependencies, type Project } from './project.js';

export type ProjectOrm = 'prisma' | 'knex' | 'typeorm' | 'mikro-orm';

export const ORM_NAMES: Record<ProjectOrm | 'sql', string> = { prisma: 'Prisma', knex: 'knex', typeorm: 'TypeORM', 'mikro-orm': 'MikroORM', sql: 'SQL' };

/** One migration setup: the ORM that runs it (`sql`: plain SQL files) and its folder, relative to the project. */
export interface MigrationSetup {
  orm: ProjectOrm | 'sql';
  migrations: string;
  /** False when the folder was not found and is the ORM's default. */
  exists: boolean;
  /** TypeORM: the file with the DataSource its CLI loads. */
  dataSource?: string;
}

const IGNORE = ['**/node_modules/**', '**/dist/**', '**/build/**', '**/.git/**', '**/coverage/**'];
const CODE = '**/*.{js,mjs,cjs,ts,mts,cts}';

function files(dir: string, pattern: string | string[]): string[] {
  return globSync(pattern, { cwd: dir, ignore: IGNORE, onlyFiles: true, deep: 8 }).sort();
}

function read(dir: string, file: string): string {
  try {
    return readFileSync(join(dir, file), 'utf8');
  } catch {
    return '';
  }
}

/** The most frequent of `folders` (ties: the shallower one). */
function mostCommon(folders: string[]): string | undefined {
  const count = new Map<string, number>();
  for (const f of folders) count.set(f, (count.get(f) ?? 0) + 1);
  return [...count].sort((a, b) => b[1] - a[1] || a[0].split('/').length - b[0].split('/').length)[0]?.[0];
}

/** The folder most of `found` files sit in. */
function commonFolder(found: string[]): string | undefined {
  return mostCommon(found.map(dirname));
}

/** A path the ORM's config file sets, e.g. knexfile's `directory: './db/migrations'`. */
function configuredPath(dir: string, configs: string[], pattern: RegExp): string | undefined {
  for (const config of configs) {
    const match = pattern.exec(read(dir, config));
    if (match) return relative(dir, join(dir, dirname(config), match[1]!)).split('\\').join('/') || '.';
  }
  return undefined;
}

function setup(dir: string, orm: MigrationSetup['orm'], found: string | undefined, fallback: string): MigrationSetup {
  const migrations = found ?? fallback;
  return { orm, migrations, exists: existsSync(join(dir, migrations)) };
}

function prisma(dir: string): MigrationSetup {
  const configured = configuredPath(dir, files(dir, ['prisma.config.{ts,mts,js,mjs}', 'prisma7.config.ts']), /migrations\s*:\s*\{[^}]*path\s*:\s*['"`]([^'"`]+)/s);
  return setup(dir, 'prisma', configured ?? commonFolder(files(dir, '**/migrations/*/migration.sql').map(dirname)), 'prisma/migrations');
}

function knex(dir: string): MigrationSetup {
  const configured = configuredPath(dir, files(dir, 'knexfile.{js,mjs,cjs,ts,mts}'), /directory\s*:\s*['"`]([^'"`]+)/);
  const found = commonFolder(files(dir, `**/migrations/${CODE}`).filter((f) => /\bknex\b|exports\.up|export\s+(async\s+)?function\s+up/.test(read(dir, f))));
  return setup(dir, 'knex', configured ?? found, 'migrations');
}

function typeorm(dir: string): MigrationSetup {
  const code = files(dir, CODE);
  const found = commonFolder(code.filter((f) => /implements\s+MigrationInterface/.test(read(dir, f))));
  const dataSource = code.find((f) => /new\s+DataSource\s*\(/.test(read(dir, f)));
  return { ...setup(dir, 'typeorm', found, 'src/migrations'), ...(dataSource ? { dataSource } : {}) };
}

function mikroOrm(dir: string): MigrationSetup {
  const configured = configuredPath(dir, files(dir, '**/mikro-orm.config.{ts,mts,js,mjs,cjs}'), /migrations\s*:\s*\{[^}]*?\bpath(?:Ts)?\s*:\s*['"`]([^'"`]+)/s);
  const found = commonFolder(files(dir, CODE).filter((f) => /extends\s+Migration\b/.test(read(dir, f)) && /@mikro-orm\//.test(read(dir, f))));
  return setup(dir, 'mikro-orm', found ?? configured, 'migrations');
}

function sql(dir: string): MigrationSetup {
  // The folder named migrations (or migrate) holding SQL files, directly or in one folder per migration.
  const roots = files(dir, ['**/migrations/**/*.sql', '**/migrate/**/*.sql']).map((f) => {
    const parts = f.split('/');
    return parts.slice(0, parts.findIndex((p) => p === 'migrations' || p === 'migrate') + 1).join('/');
  });
  return setup(dir, 'sql', mostCommon(roots), 'migrations');
}

/** Every migration setup of the project: one per ORM it depends on, else its SQL migrations. */
export function detectSetups(project: Project): MigrationSetup[] {
  const deps = dependencies(project.packageJson);
  const has = (...names: string[]) => names.some((n) => deps.has(n)) || [...deps].some((d) => names.some((n) => n.endsWith('/*') && d.startsWith(n.slice(0, -1))));
  const setups: MigrationSetup[] = [];
  if (has('prisma', '@prisma/client')) setups.push(prisma(project.dir));
  if (has('knex')) setups.push(knex(project.dir));
  if (has('typeorm')) setups.push(typeorm(project.dir));
  if (has('@mikro-orm/*')) setups.push(mikroOrm(project.dir));
  return setups.length ? setups : [sql(project.dir)];
}
