import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadParser, parseMigration } from '../parse.js';
import { fix } from './fix.js';
import { migrationModuleFormat } from './module-format.js';
import { renderKnexMigrations, renderMikroOrmMigrations, renderTypeormMigrations } from './render-orm.js';

beforeAll(() => loadParser());

/** A project folder with `files` (path: content), its migrations folder given back. */
function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'pgsafe-module-format-'));
  mkdirSync(join(root, 'migrations'));
  for (const [path, text] of Object.entries(files)) writeFileSync(join(root, path), text);
  return join(root, 'migrations');
}

describe('the module format of a project’s migrations', () => {
  it('follows the newest migration: its extension, and for .js its syntax over the package type', () => {
    expect(migrationModuleFormat(project({ 'migrations/1_a.js': 'exports.up = 1;', 'migrations/2_b.ts': 'export {}', 'migrations/2_b.d.ts': '' }))).toEqual({ esm: true, typescript: true, ext: '.ts' });
    expect(migrationModuleFormat(project({ 'migrations/1_a.mjs': 'export {}' }))).toEqual({ esm: true, typescript: false, ext: '.mjs' });
    expect(migrationModuleFormat(project({ 'package.json': '{"type":"module"}', 'migrations/1_a.cjs': 'module.exports = {}' }))).toEqual({ esm: false, typescript: false, ext: '.cjs' });
    expect(migrationModuleFormat(project({ 'package.json': '{"type":"module"}', 'migrations/1_a.js': "'use strict';\nexports.up = async function () {};" }))).toEqual({ esm: false, typescript: false, ext: '.js' });
    expect(migrationModuleFormat(project({ 'migrations/1_a.js': "import { Migration } from '@mikro-orm/migrations';" }))).toEqual({ esm: true, typescript: false, ext: '.js' });
  });

  it('without migrations, follows the nearest package.json (CommonJS without a type, as Node does)', () => {
    expect(migrationModuleFormat(project({ 'package.json': '{"type":"module"}', 'migrations/1_a.sql': '' }))).toEqual({ esm: true, typescript: false, ext: '.js' });
    expect(migrationModuleFormat(project({ 'package.json': '{"name":"app"}' }))).toEqual({ esm: false, typescript: false, ext: '.js' });
  });

  it('writes TypeScript migrations typed as the ORMs’ own generators do', () => {
    const ts = { esm: true, typescript: true, ext: '.ts' };
    const result = fix(parseMigration('CREATE INDEX orders_customer_idx ON orders (customer_id);\n', 'm.sql'), { pgVersion: 15 });
    const [knex] = renderKnexMigrations(result, '20260101000000_orders', ts);
    expect(knex!.path).toBe('20260101000000_orders.ts');
    expect(knex!.sql).toContain("import type { Knex } from 'knex';\n\nexport const config = { transaction: false };\n\nexport async function up(knex: Knex): Promise<void> {\n");
    const [typeorm] = renderTypeormMigrations(result, '1700000000004-Orders', ts);
    expect(typeorm!.path).toBe('1700000000004-Orders.ts');
    expect(typeorm!.sql).toContain("import type { MigrationInterface, QueryRunner } from 'typeorm';\n\nexport class Orders1700000000004 implements MigrationInterface {\n");
    expect(typeorm!.sql).toContain('    async up(queryRunner: QueryRunner): Promise<void> {\n');
    const mikro = renderMikroOrmMigrations(result, 'Migration20260101000000_orders', ts);
    expect(mikro.at(-1)!.path).toMatch(/\.ts$/);
    expect(mikro.at(-1)!.sql).toContain("import { Migration } from '@mikro-orm/migrations';\n\nexport class ");
    expect(mikro.at(-1)!.sql).toContain('  override async up(): Promise<void> {\n');
    expect(mikro.at(-1)!.sql).toContain('  override isTransactional(): boolean {\n');
    expect(mikro.at(-1)!.sql).not.toContain('exports.');
  });
});
