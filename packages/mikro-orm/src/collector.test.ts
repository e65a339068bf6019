/** Collecting the SQL of MikroORM migrations without a database, as `pgsafe check --orm mikro-orm` does, with the
 *  Migration class of MikroORM 7 (this package's) and 6 (examples/mikro-orm-v6's). */
import { mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { collector } from './collector.js';

const dir = mkdtempSync(join(tmpdir(), 'pgsafe-mikro-orm-collect-'));
const write = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};
const MIGRATIONS = {
  7: realpathSync(fileURLToPath(new URL('../node_modules/@mikro-orm/migrations', import.meta.url))),
  6: realpathSync(fileURLToPath(new URL('../../../examples/mikro-orm-v6/node_modules/@mikro-orm/migrations', import.meta.url))),
};

describe.each([7, 6] as const)('mikro-orm collector, MikroORM %i', (major) => {
  const from = JSON.stringify(join(MIGRATIONS[major], 'index.js'));

  it('records the addSql() statements of up() and the transaction setting', async () => {
    const file = write(
      `Migration2024010${major}000000_index_email.mjs`,
      `import { Migration } from ${from};
export class Migration2024010${major}000000_index_email extends Migration {
  async up() {
    this.addSql('alter table "users" add "age" int null;');
    this.addSql('create index concurrently "users_email_index" on "users" ("email");');
  }
  async down() { this.addSql('drop index "users_email_index";'); }
  isTransactional() { return false; }
}
`,
    );
    expect(collector.matches(file)).toBe(true);
    expect(await collector.collect(file)).toEqual({
      name: `Migration2024010${major}000000_index_email.mjs`,
      transactional: false,
      statements: ['alter table "users" add "age" int null;', 'create index concurrently "users_email_index" on "users" ("email");'],
    });
  });

  it('is transactional by default, and TypeScript files load too', async () => {
    const file = write(
      `Migration2024011${major}000000.ts`,
      `import { Migration } from ${from};
export class Migration2024011${major}000000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(\`alter table "users" add column "country" varchar(255) not null;\`);
  }
}
`,
    );
    expect(await collector.collect(file)).toEqual({ name: `Migration2024011${major}000000`, transactional: true, statements: ['alter table "users" add column "country" varchar(255) not null;'] });
  });

  it('says that SQL run inside up() needs the database, and skips files that are not migrations', async () => {
    const file = write(
      `Migration2024012${major}000000.mjs`,
      `import { Migration } from ${from};
export class Migration2024012${major}000000 extends Migration {
  async up() { await this.execute('update "users" set "country" = \\'NL\\''); }
}
`,
    );
    await expect(collector.collect(file)).rejects.toThrow('this migration runs SQL inside up() (this.execute() or the EntityManager)');
    expect(collector.matches(write('user.entity.ts', 'export class User { id!: number; }\n'))).toBe(false);
  });
});
