/** Collecting the SQL of knex migrations without a database, as `pgsafe check --orm knex` does. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collector } from './collector.js';

const dir = mkdtempSync(join(tmpdir(), 'pgsafe-knex-collect-'));
const write = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

describe('knex collector', () => {
  it("records the schema builder's and raw statements in order, bound values written in, and the transaction setting", async () => {
    const file = write(
      '20240102000000_add_country.js',
      `exports.config = { transaction: false };
exports.up = async (knex) => {
  await knex.schema.alterTable('users', (t) => { t.string('country').notNullable(); t.index(['country']); });
  await knex.raw('UPDATE users SET country = ? WHERE country IS NULL', ['FR']);
};
exports.down = async () => {};
`,
    );
    expect(collector.matches(file)).toBe(true);
    const m = await collector.collect(file);
    expect(m).toEqual({
      name: '20240102000000_add_country.js',
      transactional: false,
      statements: [
        'alter table "users" add column "country" varchar(255) not null',
        'create index "users_country_index" on "users" ("country")',
        "UPDATE users SET country = 'FR' WHERE country IS NULL",
      ],
    });
  });

  it('reads ES modules and TypeScript migrations, transactional by default; a schema read sees an empty database', async () => {
    const esm = write('20240103000000_posts.mjs', `export async function up(knex) {\n  if (!(await knex.schema.hasTable('posts'))) await knex.schema.createTable('posts', (t) => { t.increments('id'); });\n}\nexport async function down() {}\n`);
    const ts = write('20240104000000_note.ts', `import type { Knex } from 'knex';\nexport async function up(knex: Knex): Promise<void> {\n  await knex.schema.alterTable('users', (t) => t.text('note'));\n}\n`);
    expect(await collector.collect(esm)).toEqual({
      name: '20240103000000_posts.mjs',
      transactional: true,
      statements: ["select * from information_schema.tables where table_name = 'posts' and table_schema = current_schema()", 'create table "posts" ("id" serial primary key)'],
    });
    expect((await collector.collect(ts)).statements).toEqual(['alter table "users" add column "note" text']);
  });

  it('does not take files that are not migrations', async () => {
    expect(collector.matches(write('helpers.js', 'module.exports.slugify = (s) => s.toLowerCase();\n'))).toBe(false);
    expect(collector.matches(write('knexfile.js', 'module.exports = { client: "pg", migrations: { up: 1 } };\n'))).toBe(false);
    expect(collector.matches(write('types.d.ts', 'export declare function up(): void;\n'))).toBe(false);
    await expect(collector.collect(write('20240105000000_broken.js', 'exports.down = async () => {};\n'))).rejects.toThrow('no up() export: not a knex migration');
  });
});
