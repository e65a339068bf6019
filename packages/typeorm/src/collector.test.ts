/** Collecting the SQL of TypeORM migrations without a database, as `pgsafe check --orm typeorm` does. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collector } from './collector.js';

const TYPEORM = dirname(createRequire(import.meta.url).resolve('typeorm'));
const dir = mkdtempSync(join(tmpdir(), 'pgsafe-typeorm-collect-'));
const write = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

describe('typeorm collector', () => {
  it('records what a generated migration sends, and its transaction setting', async () => {
    const file = write(
      '1700000000003-IndexEmail.mjs',
      `export class IndexEmail1700000000003 {
    name = 'IndexEmail1700000000003';
    transaction = false;
    async up(queryRunner) {
        await queryRunner.query(\`ALTER TABLE "user" ADD "age" bigint\`);
        await queryRunner.query(\`CREATE INDEX CONCURRENTLY "IDX_e12875dfb3b1d92d7d7c5377e2" ON "user" ("email") \`);
    }
    async down(queryRunner) {}
}
`,
    );
    expect(collector.matches(file)).toBe(true);
    expect(await collector.collect(file)).toEqual({
      name: 'IndexEmail1700000000003',
      transactional: false,
      statements: ['ALTER TABLE "user" ADD "age" bigint', 'CREATE INDEX CONCURRENTLY "IDX_e12875dfb3b1d92d7d7c5377e2" ON "user" ("email") '],
    });
  });

  it("records the schema API's SQL for a table the migration creates (TypeScript, transactional by default)", async () => {
    const file = write(
      '1700000000004-CreatePost.ts',
      `import { Table, TableIndex, type MigrationInterface, type QueryRunner } from ${JSON.stringify(join(TYPEORM, 'index.js'))};
export class CreatePost1700000000004 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    const post = new Table({ name: 'post', columns: [{ name: 'id', type: 'int', isPrimary: true }, { name: 'title', type: 'varchar', isNullable: false }] });
    await queryRunner.createTable(post);
    await queryRunner.createIndex(post, new TableIndex({ name: 'IDX_post_title', columnNames: ['title'] }));
  }
  async down(): Promise<void> {}
}
`,
    );
    const m = await collector.collect(file);
    expect(m.name).toBe('CreatePost1700000000004');
    expect(m.transactional).toBe(true);
    expect(m.statements).toEqual([
      'CREATE TABLE "post" ("id" int NOT NULL, "title" varchar NOT NULL, CONSTRAINT "PK_be5fda3aac270b134ff9c21cdee" PRIMARY KEY ("id"))',
      'CREATE INDEX "IDX_post_title" ON "post"  ("title") ',
    ]);
  });

  it('says that the schema API on an existing table needs the database', async () => {
    const file = write(
      '1700000000006-AddCountry.mjs',
      `import typeorm from ${JSON.stringify(join(TYPEORM, 'index.js'))};
export class AddCountry1700000000006 {
  async up(queryRunner) { await queryRunner.addColumn('user', new typeorm.TableColumn({ name: 'country', type: 'varchar' })); }
}
`,
    );
    await expect(collector.collect(file)).rejects.toThrow(/"?user"? .*(not found|does not exist)|(not found|does not exist).*user/i);
  });

  it('does not take files that are not migrations', async () => {
    expect(collector.matches(write('user.entity.ts', 'export class User { id!: number; }\n'))).toBe(false);
    await expect(collector.collect(write('1700000000005-Two.mjs', 'export class A { async up(queryRunner) {} }\nexport class B { async up(queryRunner) {} }\n'))).rejects.toThrow('2 migration classes in one file');
  });
});
