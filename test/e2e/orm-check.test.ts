/** `pgsafe check --orm <orm>`: the built CLI loads the adapter installed in the project and checks the SQL the ORM's
 *  migrations send, without a database. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { node22 } from '../harness/node22.js';

const BIN = fileURLToPath(new URL('../../packages/cli/dist/bin.js', import.meta.url));
const KNEX_EXAMPLE = fileURLToPath(new URL('../../examples/knex', import.meta.url));
const TYPEORM_EXAMPLE = fileURLToPath(new URL('../../examples/typeorm', import.meta.url));
const MIKRO_ORM_EXAMPLES = {
  // MikroORM 7 needs Node 22.17+.
  7: { dir: fileURLToPath(new URL('../../examples/mikro-orm', import.meta.url)), node: node22() },
  6: { dir: fileURLToPath(new URL('../../examples/mikro-orm-v6', import.meta.url)), node: process.execPath },
};

function pgsafe(args: string[], cwd: string, node = process.execPath) {
  // Without the NODE_PATH of the test runner's shim, which reaches every package of the workspace: the CLI must
  // find the adapter from the project, as it does for a user.
  const env = { ...process.env };
  delete env.NODE_PATH;
  const r = spawnSync(node, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('pgsafe check --orm knex', () => {
  it("checks the example's migrations through @pgsafe/knex: the dangerous one fails, positions in its SQL", () => {
    const r = pgsafe(['check', '--orm', 'knex', 'migrations/', '--format', 'json'], KNEX_EXAMPLE);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { findings: { rule: string; severity: string; file: string; start: { line: number } }[]; files: { file: string }[] };
    expect(report.files.map((f) => f.file)).toEqual([
      'migrations/20231201000000_create_users.js (SQL of up())',
      'migrations/20240102000000_add_country.js (SQL of up())',
      'migrations/20240103000000_add_last_login.js (SQL of up())',
    ]);
    expect(report.findings.filter((f) => f.severity === 'error').map((f) => [f.file, f.rule, f.start.line])).toEqual([
      ['migrations/20240102000000_add_country.js (SQL of up())', 'adding-required-field', 1],
      ['migrations/20240102000000_add_country.js (SQL of up())', 'require-concurrent-index-creation', 3],
    ]);
  });

  it('passes the safe rewrite of the same migration', () => {
    const r = pgsafe(['check', '--orm', 'knex', 'safe/'], KNEX_EXAMPLE);
    expect(r.stdout).toBe('0 errors, 0 warnings in 1 file checked\n');
    expect(r.code).toBe(0);
  });

  it('names a file that is not a migration, and a file whose up() throws, as errors (exit 2)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgsafe-orm-'));
    writeFileSync(join(dir, 'helpers.js'), 'module.exports.x = 1;\n');
    writeFileSync(join(dir, '20240101_boom.js'), "exports.up = async () => { throw new Error('needs a real database'); };\n");
    const r = pgsafe(['check', '--orm', 'knex', join(dir, 'helpers.js'), join(dir, '20240101_boom.js')], KNEX_EXAMPLE);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(dir, 'helpers.js')}: error: not a knex migration file`);
    expect(r.stderr).toContain(`${join(dir, '20240101_boom.js')}: error: could not collect the SQL of its up(): needs a real database`);
  });

  it('says which package to install when the adapter is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgsafe-orm-'));
    writeFileSync(join(dir, 'm.js'), 'exports.up = async () => {};\n');
    const r = pgsafe(['check', '--orm', 'mikro-orm', 'm.js'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--orm mikro-orm needs the adapter package: npm install --save-dev @pgsafe/mikro-orm');
  });
});

describe('pgsafe check --orm typeorm', () => {
  it("checks the example's generated migrations through @pgsafe/typeorm, and passes the safe rewrite", () => {
    const r = pgsafe(['check', '--orm', 'typeorm', 'migrations/', '--format', 'json'], TYPEORM_EXAMPLE);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { findings: { rule: string; severity: string; file: string }[]; files: { file: string; statements: number }[] };
    expect(report.files).toEqual([
      { file: 'migrations/1700000000001-CreateUser.js (SQL of up())', statements: 1 },
      { file: 'migrations/1700000000002-AddCountry.js (SQL of up())', statements: 1 },
      { file: 'migrations/1700000000003-IndexEmail.js (SQL of up())', statements: 1 },
    ]);
    expect(report.findings.filter((f) => f.severity === 'error').map((f) => [f.file, f.rule])).toEqual([['migrations/1700000000002-AddCountry.js (SQL of up())', 'adding-required-field']]);
    expect(pgsafe(['check', '--orm', 'typeorm', 'safe/'], TYPEORM_EXAMPLE).code).toBe(0);
  });

  it('loads TypeScript migrations given by a relative path (resolved from the working directory)', () => {
    const dir = mkdtempSync(join(TYPEORM_EXAMPLE, '.tmp-ts-'));
    try {
      writeFileSync(
        join(dir, '1700000000009-AddNote.ts'),
        `import { MigrationInterface, QueryRunner } from 'typeorm';\nexport class AddNote1700000000009 implements MigrationInterface {\n  name = 'AddNote1700000000009';\n  public async up(queryRunner: QueryRunner): Promise<void> {\n    await queryRunner.query(\`ALTER TABLE "user" ADD "note" text\`);\n  }\n  public async down(): Promise<void> {}\n}\n`,
      );
      const r = pgsafe(['check', '--orm', 'typeorm', `${basename(dir)}/`], TYPEORM_EXAMPLE);
      expect(r.stderr).not.toContain('Cannot find module');
      expect(r.stdout).toMatch(/in 1 file checked/);
      expect(r.code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.each([7, 6] as const)('pgsafe check --orm mikro-orm (MikroORM %i)', (major) => {
  const { dir, node } = MIKRO_ORM_EXAMPLES[major];

  it("checks the example's migrations through @pgsafe/mikro-orm: the dangerous one fails, and the safe rewrite passes", () => {
    const r = pgsafe(['check', '--orm', 'mikro-orm', 'migrations/', '--format', 'json'], dir, node);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { findings: { rule: string; severity: string; file: string; start: { line: number } }[]; files: { file: string; statements: number }[] };
    expect(report.files).toEqual([
      { file: 'migrations/Migration20240101000000_create_users.js (SQL of up())', statements: 1 },
      { file: 'migrations/Migration20240102000000_add_country.js (SQL of up())', statements: 2 },
    ]);
    expect(report.findings.filter((f) => f.severity === 'error').map((f) => [f.file, f.rule, f.start.line])).toEqual([
      ['migrations/Migration20240102000000_add_country.js (SQL of up())', 'adding-required-field', 1],
      ['migrations/Migration20240102000000_add_country.js (SQL of up())', 'require-concurrent-index-creation', 3],
    ]);
    const safe = pgsafe(['check', '--orm', 'mikro-orm', 'safe/'], dir, node);
    expect(safe.stdout).toMatch(/^0 errors, \d+ warnings? in 1 file checked$/m);
    expect(safe.code).toBe(0);
  });

  it('keeps the allOrNothing transaction open across a non-transactional migration: VALIDATE after it still shares the NOT VALID add\'s transaction', () => {
    const tmp = mkdtempSync(join(dir, '.tmp-beside-'));
    const migration = (name: string, sql: string, transactional = true) =>
      writeFileSync(
        join(tmp, `${name}.js`),
        `"use strict";\nconst { Migration } = require("@mikro-orm/migrations");\nclass ${name} extends Migration {\n    async up() {\n        this.addSql(${JSON.stringify(sql)});\n    }\n${transactional ? '' : '    isTransactional() { return false; }\n'}}\nexports.${name} = ${name};\n`,
      );
    try {
      writeFileSync(join(tmp, 'package.json'), '{ "type": "commonjs" }\n');
      migration('Migration20240201000000_check_email', `alter table "accounts" add constraint "accounts_email_check" check ("email" <> '') not valid;`);
      migration('Migration20240202000000_index_orders', 'create index concurrently "orders_owner_index" on "orders" ("owner_id");', false);
      migration('Migration20240203000000_validate_email', 'alter table "accounts" validate constraint "accounts_email_check";');
      const r = pgsafe(['check', '--orm', 'mikro-orm', `${basename(tmp)}/`, '--format', 'json'], dir, node);
      const report = JSON.parse(r.stdout) as { findings: { rule: string; file: string; message: string }[] };
      const validate = report.findings.filter((f) => f.rule === 'validate-constraint-in-same-transaction');
      expect(validate.map((f) => f.file)).toEqual([`${basename(tmp)}/Migration20240203000000_validate_email.js (SQL of up())`]);
      expect(validate[0]!.message).toContain('MikroORM runs all pending migrations in one transaction');
      expect(r.code).toBe(1);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('checks migrations compiled by tsc to CommonJS (`extends migrations_1.Migration`), given by a relative path', () => {
    const tmp = mkdtempSync(join(dir, '.tmp-cjs-'));
    try {
      writeFileSync(join(tmp, 'package.json'), '{ "type": "commonjs" }\n');
      writeFileSync(
        join(tmp, 'Migration20240103000000_add_note.js'),
        `"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\nexports.Migration20240103000000_add_note = void 0;\nconst migrations_1 = require("@mikro-orm/migrations");\nclass Migration20240103000000_add_note extends migrations_1.Migration {\n    async up() {\n        this.addSql('alter table "users" add column "note" varchar(255) not null;');\n    }\n}\nexports.Migration20240103000000_add_note = Migration20240103000000_add_note;\n`,
      );
      const r = pgsafe(['check', '--orm', 'mikro-orm', `${basename(tmp)}/`], dir, node);
      expect(r.stdout).toMatch(/in 1 file checked/);
      expect(r.stdout).toContain('adding-required-field');
      expect(r.code).toBe(1);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

