/** Histories through fix() on real PostgreSQL, as the replay bench runs real projects: every migration fixed in the
 *  schema of the earlier ones, the fixed deploys applied in order to one database and the originals to another; every
 *  fixed step must run and the end states (schema and rows) must be equal, apart from the foreign-key indexes the fix
 *  adds by design. */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { adminUrl } from '@pgsafe/testing';
import { loadParser, parseMigration } from '../parse.js';
import { SchemaState } from '../context/schema-state.js';
import { SchemaModel } from '../schema-model.js';
import { fix } from './fix.js';
import { diffEndStates, endState, unstableKeys } from './end-state.js';
import { applyOriginal, scratchDatabase } from './verify.js';
import type { FixResult } from './types.js';

beforeAll(() => loadParser());

const drops: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(drops.splice(0).map((d) => d()));
});

/** Replays `history` (one SQL text per migration, with rows put in by the migrations themselves); returns each fix
 *  and the end-state differences. A fixed step that fails throws, naming its migration. */
async function replay(history: string[]): Promise<{ results: FixResult[]; differences: string[] }> {
  const [original, again, fixed] = await Promise.all([0, 1, 2].map(() => scratchDatabase(adminUrl())));
  drops.push(original!.drop, again!.drop, fixed!.drop);
  const { rows } = await fixed!.client.query<{ v: string }>('SELECT current_setting($1) AS v', ['server_version_num']);
  const pgVersion = Math.floor(Number(rows[0]!.v) / 10000);
  const state = new SchemaState();
  const results: FixResult[] = [];
  const added = new Set<string>();
  for (const [i, sql] of history.entries()) {
    const migration = parseMigration(sql, `${String(i + 1).padStart(3, '0')}.sql`);
    await applyOriginal(original!.client, migration);
    await applyOriginal(again!.client, migration);
    state.beginMigration(migration.file, false);
    const schema = new SchemaModel(state);
    for (const stmt of migration.statements) state.apply(stmt);
    const result = fix(migration, { pgVersion, schema });
    results.push(result);
    for (const [n, step] of result.steps.entries()) {
      try {
        await fixed!.client.query(step.sql);
      } catch (error) {
        throw new Error(`${migration.file}, fixed step ${n + 1}: ${(error as Error).message}\n${step.sql}`);
      }
      const index = step.slug === 'foreign_key_index' ? /IF NOT EXISTS ("(?:[^"]|"")+"|\S+) ON/.exec(step.sql) : null;
      if (index) added.add(index[1]!.startsWith('"') ? index[1]!.slice(1, -1).replace(/""/g, '"') : index[1]!);
    }
  }
  const reference = await endState(original!.client);
  const without = unstableKeys(reference, await endState(again!.client));
  const end = await endState(fixed!.client);
  // Under the name it was given, on its table whatever that is called now.
  for (const key of end.keys()) if (key.startsWith('index ') && added.has(key.split('.').at(-1)!)) without.add(key);
  return { results, differences: diffEndStates(reference, end, without) };
}

describe('a fixed history', () => {
  it('the index a foreign key gets does not take the name a later migration gives its own index on the column', async () => {
    const { results, differences } = await replay([
      'CREATE TABLE shelf (id int PRIMARY KEY);\nCREATE TABLE book (id int PRIMARY KEY, shelf_id int);\nINSERT INTO shelf SELECT i FROM generate_series(1, 2) i;\nINSERT INTO book SELECT i, i % 2 + 1 FROM generate_series(1, 100) i;',
      'ALTER TABLE book ADD CONSTRAINT book_shelf_id_fkey FOREIGN KEY (shelf_id) REFERENCES shelf (id);',
      // The ORM's (and PostgreSQL's) own name for an index on book (shelf_id), without IF NOT EXISTS: left as written.
      'CREATE INDEX CONCURRENTLY "book_shelf_id_idx" ON "book" ("shelf_id");',
    ]);
    expect(results[1]!.steps.map((s) => s.sql).join('\n')).toContain('CREATE INDEX CONCURRENTLY IF NOT EXISTS book_shelf_id_fkey_idx ON book (shelf_id);');
    expect(differences).toEqual([]);
  });

  it('a column whose foreign key was dropped keeps its rename as written: the index the fix gave the key is still on it', async () => {
    const { results, differences } = await replay([
      'CREATE TABLE "Shelf" (id int PRIMARY KEY);\nCREATE TABLE "Book" (id int PRIMARY KEY, "shelfId" int);\nINSERT INTO "Shelf" SELECT i FROM generate_series(1, 2) i;\nINSERT INTO "Book" SELECT i, i % 2 + 1 FROM generate_series(1, 100) i;',
      'ALTER TABLE "Book" ADD CONSTRAINT "Book_shelfId_fkey" FOREIGN KEY ("shelfId") REFERENCES "Shelf" (id);',
      // Prisma's renames to snake_case: the key goes first, then the table and the column.
      'ALTER TABLE "Book" DROP CONSTRAINT "Book_shelfId_fkey";\nALTER TABLE "Book" RENAME TO "books";\nALTER TABLE "books" RENAME COLUMN "shelfId" TO "shelf_id";',
    ]);
    expect(results[2]!.todos.map((t) => t.message).join('\n')).toContain('books."shelfId" has an index or key');
    expect(differences).toEqual([]);
  });

  it('a rename in a file that later drops the enum type the column had stays as written: the old column would keep the type', async () => {
    const { results, differences } = await replay([
      'CREATE TYPE "Grade" AS ENUM (\'LOW\', \'HIGH\');\nCREATE TABLE "pupil" (id int PRIMARY KEY, "grade" "Grade" NOT NULL);\nINSERT INTO "pupil" SELECT i, CASE WHEN i % 2 = 0 THEN \'LOW\' ELSE \'HIGH\' END::"Grade" FROM generate_series(1, 100) i;',
      // A new enum replaces the old one: the column is renamed, emptied, made again with the new type; the old type goes.
      [
        'CREATE TYPE "Level" AS ENUM (\'LOW\', \'HIGH\', \'NONE\');',
        'ALTER TABLE "pupil" RENAME COLUMN "grade" TO "old_grade";',
        'ALTER TABLE "pupil" ADD COLUMN "level" "Level";',
        'UPDATE "pupil" SET "level" = "old_grade"::text::"Level";',
        'ALTER TABLE "pupil" DROP COLUMN "old_grade",\nADD COLUMN "old_grade" "Level";',
        'DROP TYPE "Grade";',
      ].join('\n'),
    ]);
    expect(results[1]!.todos.map((t) => t.message).join('\n')).toContain('drops a type grade may use');
    expect(differences).toEqual([]);
  });

  it('a dropped key column stays in the deploy that gives the table its new primary key', async () => {
    const { results, differences } = await replay([
      'CREATE TABLE ticket (id serial PRIMARY KEY, code uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(), note text);\nINSERT INTO ticket (note) SELECT \'n\' || i FROM generate_series(1, 100) i;',
      'ALTER TABLE ticket\n    DROP COLUMN id,\n    ADD PRIMARY KEY (code),\n    DROP CONSTRAINT ticket_code_key;',
    ]);
    expect(results[1]!.todos.map((t) => t.message).join('\n')).toContain('DROP COLUMN id cannot move to a later deploy: line 1 adds a primary key to ticket');
    expect(differences).toEqual([]);
  });

  it('a column renamed after its enum type was renamed is made again with the type under its new name', async () => {
    const { results, differences } = await replay([
      'CREATE TYPE listing_order AS ENUM (\'Hot\', \'New\');\nCREATE TABLE prefs (id int PRIMARY KEY, default_order listing_order NOT NULL DEFAULT \'Hot\');\nINSERT INTO prefs SELECT i, CASE WHEN i % 3 = 0 THEN \'New\' ELSE \'Hot\' END::listing_order FROM generate_series(1, 100) i;',
      'ALTER TYPE listing_order RENAME TO post_listing_order;\nALTER TABLE prefs RENAME COLUMN default_order TO default_post_order;',
    ]);
    expect(results[1]!.steps.map((s) => s.sql).join('\n')).toContain('ADD COLUMN default_post_order post_listing_order;');
    expect(differences).toEqual([]);
  });

  it('a rename whose old name the file gives a new column stays as written: the new column is made, the old one kept', async () => {
    const { results, differences } = await replay([
      'CREATE TABLE club (id int PRIMARY KEY, about text);\nINSERT INTO club SELECT i, \'about \' || i FROM generate_series(1, 100) i;',
      'ALTER TABLE club RENAME COLUMN about TO long_about;\nALTER TABLE club\n    ADD COLUMN about varchar(150);',
    ]);
    expect(results[1]!.todos.map((t) => t.message).join('\n')).toContain('line 2 creates about again');
    expect(differences).toEqual([]);
  });

  it('a dropped column of a table the file renames afterwards is dropped under the new name in the later deploy', async () => {
    const { results, differences } = await replay([
      'CREATE TABLE sync_job (id int PRIMARY KEY, job_uuid text, repo text, op text);\nINSERT INTO sync_job SELECT i, \'u\' || i, \'r\' || i, \'o\' FROM generate_series(1, 100) i;',
      'ALTER TABLE sync_job DROP COLUMN repo;\nALTER TABLE sync_job DROP COLUMN op;\nALTER TABLE sync_job RENAME TO sync_schedule_job;',
    ]);
    expect(results[1]!.steps.filter((s) => s.deploy === 2).map((s) => s.sql).join('\n')).toContain('ALTER TABLE sync_schedule_job DROP COLUMN repo');
    expect(differences).toEqual([]);
  });

  it('a dropped column stays in the deploy that gives a constraint of it, or an index on it, to new columns under the same name', async () => {
    const { results, differences } = await replay([
      'CREATE TABLE asset (id int PRIMARY KEY, owner text, label text, hash text, CONSTRAINT uniq_asset UNIQUE (owner, label));\nCREATE INDEX asset_lookup ON asset (label);\nINSERT INTO asset SELECT i, \'o\' || i, \'l\' || i, \'h\' || i FROM generate_series(1, 100) i;',
      // The unique constraint and the index go with the column; the file gives their names to new ones.
      'ALTER TABLE asset DROP COLUMN label;\nALTER TABLE asset ADD CONSTRAINT uniq_asset UNIQUE (owner, hash);\nCREATE INDEX asset_lookup ON asset (hash);',
    ]);
    const todos = results[1]!.todos.map((t) => t.message).join('\n');
    expect(todos).toContain('DROP COLUMN label cannot move to a later deploy: line 2 creates uniq_asset again');
    expect(differences).toEqual([]);
  });

  it('a dropped column stays in the deploy that gives the name of an index on it to a new index', async () => {
    const { results, differences } = await replay([
      'CREATE TABLE visit (id int PRIMARY KEY, page text, path text);\nCREATE INDEX visit_page_idx ON visit (page);\nINSERT INTO visit SELECT i, \'p\' || i, \'/p\' || i FROM generate_series(1, 100) i;',
      'ALTER TABLE visit DROP COLUMN page;\nCREATE INDEX visit_page_idx ON visit (path);',
    ]);
    expect(results[1]!.todos.map((t) => t.message).join('\n')).toContain('DROP COLUMN page cannot move to a later deploy: line 2 creates visit_page_idx again');
    expect(differences).toEqual([]);
  });

  it('a renamed column the file then makes nullable is not given the old column\'s NOT NULL', async () => {
    const { results, differences } = await replay([
      'CREATE TABLE rule_set (id int PRIMARY KEY, target_id int NOT NULL);\nINSERT INTO rule_set SELECT i, i FROM generate_series(1, 100) i;',
      'ALTER TABLE rule_set RENAME COLUMN target_id TO registry_id;\nALTER TABLE rule_set ALTER COLUMN registry_id DROP NOT NULL;',
    ]);
    expect(results[1]!.steps.map((s) => s.slug)).not.toContain('not_null_check');
    expect(differences).toEqual([]);
  });

  it('a serial column whose type or name changes keeps its sequence: it moves to the new column', async () => {
    const { results, differences } = await replay([
      'CREATE TABLE step (id int PRIMARY KEY, "order" smallserial NOT NULL, rank serial NOT NULL);\nINSERT INTO step (id) SELECT i FROM generate_series(1, 100) i;',
      // hatchet's pattern: the type widened, then a sequence of its own for the new default.
      'CREATE SEQUENCE step_order_seq2;\nALTER TABLE step ALTER COLUMN "order" TYPE bigint;\nALTER TABLE step ALTER COLUMN "order" SET DEFAULT nextval(\'step_order_seq2\'::regclass);\nALTER TABLE step RENAME COLUMN rank TO position;',
    ]);
    expect(results[1]!.steps.map((s) => s.sql).join('\n')).toContain('OWNED BY');
    expect(differences).toEqual([]);
  });
});
