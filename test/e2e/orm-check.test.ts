/** `pgsafe check --orm <orm>`: the built CLI loads the adapter installed in the project and checks the SQL the ORM's
 *  migrations send, without a database. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../packages/cli/dist/bin.js', import.meta.url));
const KNEX_EXAMPLE = fileURLToPath(new URL('../../examples/knex', import.meta.url));
const TYPEORM_EXAMPLE = fileURLToPath(new URL('../../examples/typeorm', import.meta.url));

function pgsafe(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('pgsafe check --orm knex', () => {
  it("checks the example's migrations through @pgsafe/knex: the dangerous one fails, positions in its SQL", () => {
    const r = pgsafe(['check', '--orm', 'knex', 'migrations/', '--format', 'json'], KNEX_EXAMPLE);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { findings: { rule: string; severity: string; file: string; start: { line: number } }[]; files: { file: string }[] };
    expect(report.files.map((f) => f.file)).toEqual([
      'migrations/20240101000000_create_users.js (SQL of up())',
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
});
