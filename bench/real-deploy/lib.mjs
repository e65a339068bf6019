// Shared pieces of the real-project deploy bench: scratch databases, TypeScript builds of a project's migrations,
// schema and bookkeeping snapshots.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const here = dirname(fileURLToPath(import.meta.url));
export const repo = join(here, '../..');

/** The ORM versions the bench runs, taken from the workspace packages that already install them (never added to the
 *  bench itself: a second copy of an ORM would change which one pnpm hoists for the examples). */
const ORM_HOMES = {
  knex: 'packages/knex/node_modules/knex',
  typeorm: 'packages/typeorm/node_modules/typeorm-0.3',
  '@mikro-orm/core': 'examples/mikro-orm-v6/node_modules/@mikro-orm/core',
  '@mikro-orm/migrations': 'examples/mikro-orm-v6/node_modules/@mikro-orm/migrations',
  '@mikro-orm/postgresql': 'examples/mikro-orm-v6/node_modules/@mikro-orm/postgresql',
};

/** The installed directory of an ORM package the bench runs. */
export function ormHome(name) {
  const home = ORM_HOMES[name];
  if (!home) throw new Error(`no ORM package ${name} in the bench`);
  return realpathSync(join(repo, home));
}

export function adminUrl() {
  return process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
}

export function databaseUrl(name) {
  const u = new URL(adminUrl());
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin(sql) {
  const c = new pg.Client({ connectionString: adminUrl(), application_name: 'pgsafe-bench-admin' });
  await c.connect();
  try {
    return await c.query(sql);
  } finally {
    await c.end();
  }
}

/** A fresh, empty database named after the bench (dropped by dropDatabase). */
export async function createDatabase(label) {
  const name = `pgsafe_real_${label.replace(/[^a-z0-9]+/gi, '_').toLowerCase()}_${randomBytes(3).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  return { name, url: databaseUrl(name) };
}

export async function dropDatabase(name) {
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

export async function serverVersion() {
  const { rows } = await admin("SELECT current_setting('server_version') AS v");
  return rows[0].v;
}

/** pgsafe's own bookkeeping (the journal of `pgsafe prisma migrate deploy` and `pgsafe run`, schema pgsafe): not the
 *  project's schema or rows, so left out of the comparison. */
export const PGSAFE_SCHEMA = 'pgsafe';

/** pg_dump --schema-only of a database, without the lines that name the dump itself (versions, the restrict key
 *  of newer pg_dump releases) and without pgsafe's own schema. */
export function schemaDump(url) {
  const r = spawnSync('pg_dump', ['--schema-only', '--no-owner', '--no-privileges', `--exclude-schema=${PGSAFE_SCHEMA}`, url], { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(`pg_dump failed: ${r.stderr}`);
  return r.stdout
    .split('\n')
    .filter((l) => !/^-- Dumped (from|by)/.test(l) && !/^\\(un)?restrict /.test(l))
    .join('\n');
}

/** The first lines where two dumps differ, for the report. */
export function firstDifference(a, b) {
  const la = a.split('\n');
  const lb = b.split('\n');
  for (let i = 0; i < Math.max(la.length, lb.length); i++) {
    if (la[i] !== lb[i]) return `line ${i + 1}:\n  - ${la[i] ?? '(end)'}\n  + ${lb[i] ?? '(end)'}`;
  }
  return undefined;
}

/** Row counts of every user table: seed data the migrations insert must land the same way. */
export async function rowCounts(url, skip = []) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query(
      "SELECT format('%I.%I', schemaname, relname) AS t FROM pg_stat_user_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema', $1) ORDER BY 1",
      [PGSAFE_SCHEMA],
    );
    const out = {};
    for (const { t } of rows) {
      if (skip.some((s) => t.endsWith(`.${s}`) || t.endsWith(`."${s}"`))) continue;
      out[t] = Number((await c.query(`SELECT count(*) AS n FROM ${t}`)).rows[0].n);
    }
    return out;
  } finally {
    await c.end();
  }
}

export async function query(url, sql) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql)).rows;
  } finally {
    await c.end();
  }
}

/**
 * A build directory for a project's TypeScript migrations: `files` copied into src/ (never into the repository),
 * `shims` written beside them (only the non-SQL imports: feature-flag constants, seed helpers, uuid), `packages`
 * resolved to this bench's installed ones through node_modules symlinks, then compiled with tsc to CommonJS in dist/.
 */
export function buildProject({ label, files, shims = {}, packages = [], packageShims = {} }) {
  const dir = mkdtempSync(join(tmpdir(), `pgsafe-real-${label}-`));
  for (const { from, to } of files) cpSync(from, join(dir, 'src', to), { recursive: true });
  for (const [path, text] of Object.entries(shims)) {
    mkdirSync(dirname(join(dir, 'src', path)), { recursive: true });
    writeFileSync(join(dir, 'src', path), text);
  }
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  for (const name of packages) {
    const target = ormHome(name);
    mkdirSync(dirname(join(dir, 'node_modules', name)), { recursive: true });
    symlinkSync(target, join(dir, 'node_modules', name));
  }
  for (const [name, text] of Object.entries(packageShims)) {
    mkdirSync(join(dir, 'node_modules', name), { recursive: true });
    writeFileSync(join(dir, 'node_modules', name, 'index.js'), text);
    writeFileSync(join(dir, 'node_modules', name, 'package.json'), JSON.stringify({ name, main: 'index.js' }));
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `real-${label}`, private: true, type: 'commonjs' }));
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        module: 'commonjs',
        moduleResolution: 'node10',
        target: 'es2021',
        rootDir: 'src',
        outDir: 'dist',
        esModuleInterop: true,
        experimentalDecorators: true,
        skipLibCheck: true,
        noCheck: true,
        strict: false,
        types: [],
      },
      include: ['src'],
    }),
  );
  const tsc = join(repo, 'node_modules/.bin/tsc');
  const r = spawnSync(tsc, ['-p', dir], { encoding: 'utf8' });
  const emitted = existsSync(join(dir, 'dist')) ? countFiles(join(dir, 'dist'), '.js') : 0;
  if (emitted === 0) throw new Error(`tsc emitted nothing for ${label}: ${r.stdout}${r.stderr}`);
  return { dir, dist: join(dir, 'dist'), tscOutput: (r.stdout + r.stderr).trim() };
}

function countFiles(dir, ext) {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) n += countFiles(join(dir, e.name), ext);
    else if (e.name.endsWith(ext)) n++;
  }
  return n;
}

export function removeBuild(dir) {
  rmSync(dir, { recursive: true, force: true });
}

export const rel = (p) => relative(process.cwd(), p) || '.';
