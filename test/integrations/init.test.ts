/** pgsafe init on self-written fixture projects of each ORM, run as users run it, and the result used: the config
 *  it writes loads, the scripts it adds run. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertCliBuilt, pgsafeSync as pgsafe, PGSAFE_BIN, writeIn } from '@pgsafe/testing';

const PACKAGES = fileURLToPath(new URL('../../packages/', import.meta.url));
let dir: string;

beforeAll(() => {
  assertCliBuilt();
  dir = mkdtempSync(join(tmpdir(), 'pgsafe-init-'));
});

function project(name: string, files: Record<string, string | object>): string {
  const root = join(dir, name);
  for (const [file, text] of Object.entries(files)) writeIn(root, file, typeof text === 'string' ? text : `${JSON.stringify(text, null, 2)}\n`);
  return root;
}

/** node_modules as the project would have it after installing pgsafe and its adapter: the bin, the adapter. */
function install(root: string, adapter?: string): void {
  writeIn(root, 'node_modules/.bin/pgsafe', `#!/bin/sh\nexec "${process.execPath}" "${PGSAFE_BIN}" "$@"\n`);
  spawnSync('chmod', ['+x', join(root, 'node_modules/.bin/pgsafe')]);
  if (adapter) {
    mkdirSync(join(root, 'node_modules/@pgsafe'), { recursive: true });
    symlinkSync(join(PACKAGES, adapter), join(root, 'node_modules/@pgsafe', adapter));
  }
}

/** Runs a package script as npm does: its command through the shell, node_modules/.bin first on PATH. */
function runScript(root: string, name: string) {
  const command = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts[name]!;
  const r = spawnSync('sh', ['-c', command], { cwd: root, encoding: 'utf8', env: { ...process.env, PATH: `${join(root, 'node_modules/.bin')}:${process.env.PATH}`, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const pkg = (root: string) => JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

describe('pgsafe init', { timeout: 120_000 }, () => {
  it('Prisma (TypeScript): a typed pgsafe.config.ts, the check and guarded deploy scripts, the workflow', () => {
    const root = project('prisma', {
      'package.json': { name: 'shop', private: true, scripts: { dev: 'next dev' }, dependencies: { '@prisma/client': '6.19.0' }, devDependencies: { prisma: '6.19.0', typescript: '5.9.3' } },
      'prisma/schema.prisma': 'datasource db {\n  provider = "postgresql"\n}\n',
      'prisma/migrations/20251201000000_init/migration.sql': 'CREATE TABLE "User" ("id" BIGINT NOT NULL, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));\n',
      'prisma/migrations/20260102000000_email/migration.sql': 'ALTER TABLE "User" ADD COLUMN "email" TEXT NOT NULL;\n',
    });
    const r = pgsafe(['init'], { cwd: root });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('pgsafe init: Prisma migrations in prisma/migrations\n  wrote pgsafe.config.ts\n');
    expect(r.stdout).toContain('  - npm install --save-dev pgsafe @pgsafe/prisma\n');
    expect(r.stdout).toContain('      - uses: pgsafe/pgsafe@main\n          with:\n            paths: prisma/migrations\n');
    expect(readFileSync(join(root, 'pgsafe.config.ts'), 'utf8')).toMatch(/^import type \{ PgsafeConfig \} from 'pgsafe';[\s\S]*\} satisfies PgsafeConfig;\n$/);
    expect(pkg(root).scripts).toEqual({ dev: 'next dev', 'migrations:check': 'pgsafe check prisma/migrations', 'migrations:deploy': 'pgsafe prisma migrate deploy' });
    // the scripts work: the config loads (a bad one would be exit 2) and the unsafe migration is found
    install(root);
    const check = runScript(root, 'migrations:check');
    expect(check.stdout).toContain('prisma/migrations/20260102000000_email/migration.sql:1:31 error[adding-required-field]');
    expect(check.code).toBe(1);
  });

  it('knex (CommonJS JavaScript): pgsafe.config.js with module.exports, the folder from the knexfile, check --orm knex', () => {
    const root = project('knex', {
      'package.json': { name: 'api', version: '1.0.0', dependencies: { knex: '3.1.0', pg: '8.13.0' } },
      'knexfile.js': "module.exports = {\n  client: 'pg',\n  connection: process.env.DATABASE_URL,\n  migrations: { directory: './db/migrations' },\n};\n",
      'db/migrations/20251201000000_users.js': "exports.up = (knex) => knex.schema.createTable('users', (t) => { t.bigIncrements('id'); });\nexports.down = (knex) => knex.schema.dropTable('users');\n",
      'db/migrations/20260102000000_email.js': "exports.up = (knex) => knex.raw('ALTER TABLE users ADD COLUMN email text NOT NULL');\nexports.down = () => {};\n",
    });
    const r = pgsafe(['init'], { cwd: root });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('pgsafe init: knex migrations in db/migrations\n  wrote pgsafe.config.js\n');
    expect(r.stdout).toContain("in the knexfile: export default withPgsafe({ client: 'pg', ... })");
    expect(r.stdout).toContain('            orm: knex\n');
    expect(readFileSync(join(root, 'pgsafe.config.js'), 'utf8')).toMatch(/\nmodule\.exports = \{\n/);
    expect(pkg(root).scripts).toEqual({ 'migrations:check': 'pgsafe check --orm knex db/migrations', 'migrations:deploy': 'knex migrate:latest' });
    install(root, 'knex');
    const check = runScript(root, 'migrations:check');
    expect(check.stdout).toMatch(/db\/migrations\/20260102000000_email\.js \(SQL of up\(\)\):\d+:\d+ error\[adding-required-field\]/);
    expect(check.code).toBe(1);
  });

  it('TypeORM (TypeScript, ESM): the migrations folder and the data source its CLI loads', () => {
    const root = project('typeorm', {
      'package.json': { name: 'svc', type: 'module', dependencies: { typeorm: '0.3.27', pg: '8.13.0' }, devDependencies: { typescript: '5.9.3' } },
      'tsconfig.json': '{ "compilerOptions": { "module": "nodenext", "target": "es2022" } }\n',
      'src/data-source.ts': "import { DataSource } from 'typeorm';\nexport default new DataSource({ type: 'postgres', url: process.env.DATABASE_URL, migrations: ['src/db/migrations/*.ts'] });\n",
      'src/db/migrations/1767225600000-Users.ts':
        "import type { MigrationInterface, QueryRunner } from 'typeorm';\nexport class Users1767225600000 implements MigrationInterface {\n  async up(q: QueryRunner): Promise<void> {\n    await q.query('CREATE TABLE users (id bigint PRIMARY KEY)');\n  }\n  async down(q: QueryRunner): Promise<void> {\n    await q.query('DROP TABLE users');\n  }\n}\n",
    });
    const r = pgsafe(['init'], { cwd: root });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('pgsafe init: TypeORM migrations in src/db/migrations\n  wrote pgsafe.config.ts\n');
    expect(r.stdout).toContain('in the data source (src/data-source.ts): export default withPgsafe(new DataSource({ ... }))');
    expect(pkg(root).scripts).toEqual({ 'migrations:check': 'pgsafe check --orm typeorm src/db/migrations', 'migrations:deploy': 'typeorm-ts-node-esm migration:run -d src/data-source.ts' });
    install(root);
    // the typed config loads through jiti even though this project has no pgsafe package to import types from
    const check = pgsafe(['check', '-', '--stdin-filename', 'x.sql'], { cwd: root, input: 'SELECT 1;\n' });
    expect(check.code).toBe(0);
  });

  it('MikroORM (JavaScript ESM): pgsafe.config.js with export default, the folder of its Migration classes', () => {
    const root = project('mikro', {
      'package.json': { name: 'app', type: 'module', dependencies: { '@mikro-orm/core': '6.4.0', '@mikro-orm/postgresql': '6.4.0', '@mikro-orm/migrations': '6.4.0' } },
      'mikro-orm.config.js': "import { defineConfig } from '@mikro-orm/postgresql';\nexport default defineConfig({ migrations: { path: './database/migrations' } });\n",
      'database/migrations/Migration20260101000000.js': "import { Migration } from '@mikro-orm/migrations';\nexport class Migration20260101000000 extends Migration {\n  async up() {\n    this.addSql('create table \"book\" (\"id\" bigserial primary key);');\n  }\n}\n",
    });
    const r = pgsafe(['init'], { cwd: root });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('pgsafe init: MikroORM migrations in database/migrations\n  wrote pgsafe.config.js\n');
    expect(readFileSync(join(root, 'pgsafe.config.js'), 'utf8')).toMatch(/\nexport default \{\n/);
    expect(pkg(root).scripts).toEqual({ 'migrations:check': 'pgsafe check --orm mikro-orm database/migrations', 'migrations:deploy': 'mikro-orm migration:up' });
    expect(pgsafe(['check', '-'], { cwd: root, input: 'SELECT 1;\n' }).code).toBe(0);
  });

  it('plain SQL (pnpm): finds the migrations folder, says how to run them, and the package manager to install with', () => {
    const root = project('sql', {
      'package.json': { name: 'plain', private: true },
      'pnpm-lock.yaml': "lockfileVersion: '9.0'\n",
      'db/migrate/001_users.sql': 'CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY);\n',
      'db/migrate/002_index.sql': 'CREATE INDEX users_id_idx ON users (id);\n',
    });
    const r = pgsafe(['init'], { cwd: root });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('pgsafe init: SQL migrations in db/migrate\n');
    expect(r.stdout).toContain('  - pnpm add --save-dev pgsafe\n');
    expect(r.stdout).toContain('pgsafe run <file> --database-url "$DATABASE_URL"');
    expect(readFileSync(join(root, 'pgsafe.config.js'), 'utf8')).toContain('// assumeInTransaction: true,');
    expect(pkg(root).scripts).toEqual({ 'migrations:check': 'pgsafe check db/migrate' });
    install(root);
    const check = runScript(root, 'migrations:check');
    expect(check.stdout).toContain('db/migrate/002_index.sql:1:1 error[require-concurrent-index-creation]');
  });

  it('several ORMs get a script each; a project in a subfolder of its repository gets working-directory', () => {
    const repo = join(dir, 'mono');
    const root = project('mono/services/api', {
      'package.json': { name: 'api', dependencies: { knex: '3.1.0', '@prisma/client': '6.19.0' } },
      'prisma/migrations/20260101000000_init/migration.sql': 'SELECT 1;\n',
      'migrations/20260101_a.js': 'exports.up = (knex) => knex.raw("SELECT 1");\n',
    });
    spawnSync('git', ['init', '-q'], { cwd: repo });
    const r = pgsafe(['init'], { cwd: root });
    expect(r.code).toBe(0);
    expect(Object.keys(pkg(root).scripts)).toEqual(['migrations:check:prisma', 'migrations:deploy:prisma', 'migrations:check:knex', 'migrations:deploy:knex']);
    expect(r.stdout).toContain('            working-directory: services/api\n');
  });

  it('never overwrites without --force: an existing config or script stops it, nothing written', () => {
    const root = project('existing', {
      'package.json': { name: 'x', scripts: { 'migrations:check': 'squawk migrations/*.sql' } },
      'pgsafe.config.json': '{ "pgVersion": 15 }\n',
      'migrations/001.sql': 'SELECT 1;\n',
    });
    const before = readFileSync(join(root, 'package.json'), 'utf8');
    const r = pgsafe(['init'], { cwd: root });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('pgsafe.config.json exists; the script migrations:check (it runs: squawk migrations/*.sql) exists: nothing written. pgsafe init --force overwrites them');
    expect(readFileSync(join(root, 'package.json'), 'utf8')).toBe(before);
    expect(existsSync(join(root, 'pgsafe.config.js'))).toBe(false);
    const forced = pgsafe(['init', '--force'], { cwd: root });
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('  wrote pgsafe.config.js (replacing pgsafe.config.json)\n');
    expect(existsSync(join(root, 'pgsafe.config.json'))).toBe(false);
    expect(pkg(root).scripts['migrations:check']).toBe('pgsafe check migrations');
    // run again: the same scripts are there, only the config stops it
    expect(pgsafe(['init'], { cwd: root }).stderr).toContain('pgsafe.config.js exists: nothing written');
  });

  it('keeps package.json as written: its indentation and its other fields', () => {
    const root = project('tabs', { 'migrations/001.sql': 'SELECT 1;\n' });
    writeIn(root, 'package.json', '{\n\t"name": "tabs",\n\t"version": "2.0.0",\n\t"engines": { "node": ">=20" }\n}\n');
    expect(pgsafe(['init'], { cwd: root }).code).toBe(0);
    expect(readFileSync(join(root, 'package.json'), 'utf8')).toBe('{\n\t"name": "tabs",\n\t"version": "2.0.0",\n\t"engines": {\n\t\t"node": ">=20"\n\t},\n\t"scripts": {\n\t\t"migrations:check": "pgsafe check migrations"\n\t}\n}\n');
  });

  it('exits 2 without a package.json', () => {
    const r = pgsafe(['init', join(dir, 'nowhere')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`no package.json in ${join(dir, 'nowhere')}: run pgsafe init in your project's root`);
  });
});
