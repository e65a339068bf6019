import { beforeAll, describe, expect, it } from 'vitest';
import { seedRows, useTestDatabase } from '@pgsafe/testing';
import { rendered as renderedWith, ruleFindings as anyFindings } from '../testing/rule-kit.js';
import { recipeStatements, runAll } from '../testing/e2e.js';
import type { Finding } from '../finding.js';

const ID = 'collation-dependent-unique';
// Opt-in (issue 22): its tests turn it on, as `--rule collation-dependent-unique` does.
const ON = { severities: { [ID]: 'warning' as const } };
const ruleFindings = (id: string, sql: string) => anyFindings(id, sql, ON);
const rendered = (id: string, sql: string) => renderedWith(id, sql, ON);

/** The case-insensitive alternative the recipe gives as a comment. */
const lowerVariant = (finding: Finding) => finding.recipe.sql.split('\n').find((l) => l.startsWith('-- case-insensitive'))!.replace(/^-- [^:]+: /, '');

describe(ID, () => {
  it('is opt-in: silent unless the config or --rule turns it on', async () => {
    expect(await anyFindings(ID, 'CREATE TABLE tags (id int, slug text UNIQUE);')).toEqual([]);
    expect(await ruleFindings(ID, 'CREATE TABLE tags (id int, slug text UNIQUE);')).toHaveLength(1);
  });

  it('warns about a unique index on a text column defined in the migration; the fix is the same index, bytewise', async () => {
    const sql = 'ALTER TABLE users ADD COLUMN handle text;\nCREATE UNIQUE INDEX CONCURRENTLY users_handle_key ON users (handle) WHERE handle IS NOT NULL;';
    const findings = await ruleFindings(ID, sql);
    expect(findings.map((f) => [f.severity, f.start.line])).toEqual([['warning', 2]]);
    expect(await rendered(ID, sql)).toMatchSnapshot();
  });

  it('rewrites the column definition when the UNIQUE is declared with it (CREATE TABLE, ADD COLUMN)', async () => {
    const inline = await ruleFindings(ID, 'CREATE TABLE tags (id int, slug character varying(40) NOT NULL UNIQUE);');
    expect(inline.map((f) => f.recipe.sql.split('\n')[0])).toEqual(['CREATE TABLE tags (id int, slug character varying(40) COLLATE "C" NOT NULL UNIQUE);']);
    const table = await ruleFindings(ID, 'CREATE TABLE tags (id int, slug text COLLATE "en-US-x-icu", UNIQUE (id, slug));');
    expect(table.map((f) => f.recipe.sql.split('\n')[0])).toEqual(['CREATE TABLE tags (id int, slug text COLLATE "C", UNIQUE (id, slug));']);
    const added = await ruleFindings(ID, 'ALTER TABLE users ADD COLUMN email citext UNIQUE;');
    expect(added.map((f) => f.recipe.sql)).toEqual([
      'ALTER TABLE users ADD COLUMN email citext COLLATE "C" UNIQUE;\n-- case-insensitive uniqueness instead: CREATE UNIQUE INDEX CONCURRENTLY users_email_lower_key ON users (lower(email) COLLATE "C");',
    ]);
    expect(await rendered(ID, 'CREATE TABLE tags (id int, slug varchar(40) UNIQUE);')).toMatchSnapshot();
  });

  it('gives a unique index for ADD CONSTRAINT UNIQUE on an existing column (a constraint takes the column\'s collation)', async () => {
    const [finding] = await ruleFindings(ID, 'ALTER TABLE users ADD COLUMN handle varchar(30);\nALTER TABLE users ADD CONSTRAINT users_handle_uq UNIQUE (handle);');
    expect(finding!.recipe.sql.split('\n')[0]).toBe('CREATE UNIQUE INDEX CONCURRENTLY users_handle_uq ON users (handle COLLATE "C");');
    const [fresh] = await ruleFindings(ID, 'CREATE TABLE tags (slug text);\nALTER TABLE tags ADD UNIQUE (slug);');
    expect(fresh!.recipe.sql.split('\n')[0]).toBe('CREATE UNIQUE INDEX tags_slug_key ON tags (slug COLLATE "C");');
  });

  it('builds the index CONCURRENTLY on an existing table only', async () => {
    const [existing] = await ruleFindings(ID, 'ALTER TABLE users ADD COLUMN handle text;\nCREATE UNIQUE INDEX users_handle_key ON users (handle);');
    expect(existing!.recipe.sql.split('\n')[0]).toBe('CREATE UNIQUE INDEX CONCURRENTLY users_handle_key ON users (handle COLLATE "C");');
    const [fresh] = await ruleFindings(ID, 'CREATE TABLE tags (slug text);\nCREATE UNIQUE INDEX tags_slug_key ON tags (slug);');
    expect(fresh!.recipe.sql.split('\n')[0]).toBe('CREATE UNIQUE INDEX tags_slug_key ON tags (slug COLLATE "C");');
  });

  it('flags an explicit linguistic or nondeterministic collation on the index key, whatever the column', async () => {
    expect(await ruleFindings(ID, 'CREATE UNIQUE INDEX t_key ON tags (slug COLLATE "en-US-x-icu");')).toHaveLength(1);
    expect(await ruleFindings(ID, 'CREATE UNIQUE INDEX t_key ON tags (slug COLLATE ci);')).toHaveLength(1);
  });

  it('accepts bytewise collations, non-text keys, unknown column types and non-unique indexes', async () => {
    for (const sql of [
      'CREATE TABLE tags (slug text COLLATE "C" UNIQUE);',
      'CREATE TABLE tags (slug text COLLATE "POSIX", UNIQUE (slug));',
      'CREATE TABLE tags (slug text COLLATE ucs_basic UNIQUE);',
      'CREATE TABLE tags (slug text);\nCREATE UNIQUE INDEX t_key ON tags (slug COLLATE "C");',
      'CREATE TABLE tags (id bigint UNIQUE, code uuid, UNIQUE (code));',
      'CREATE UNIQUE INDEX t_key ON tags (slug);',
      'CREATE TABLE tags (slug text);\nCREATE INDEX t_idx ON tags (slug);',
    ]) {
      expect(await ruleFindings(ID, sql), sql).toEqual([]);
    }
  });
});

describe(`${ID} on PostgreSQL`, () => {
  const db = useTestDatabase('collation');

  beforeAll(async () => {
    const { rows } = await db.current.query(`SELECT count(*)::int AS n FROM pg_collation WHERE collprovider = 'i'`);
    expect(rows[0]!.n, 'the server has ICU collations').toBeGreaterThan(0);
    await db.current.query(`CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false)`);
    await db.current.query('CREATE TABLE users (id int PRIMARY KEY, handle text)');
    await seedRows(db.current, 'users', 1000, { id: 'i', handle: "'user' || i" });
  });

  it('the same unique key rejects "USER1" under a case-insensitive collation, accepts it bytewise, and the lower() form rejects it again', async () => {
    const flagged = 'CREATE UNIQUE INDEX users_handle_key ON users (handle COLLATE ci);';
    const [finding] = await ruleFindings(ID, flagged);
    await db.current.query(flagged);
    await expect(db.current.query(`INSERT INTO users VALUES (1001, 'USER1')`)).rejects.toMatchObject({ code: '23505' });
    await db.current.query('DROP INDEX users_handle_key');

    const [bytewise] = await recipeStatements(finding!);
    expect(bytewise).toBe('CREATE UNIQUE INDEX CONCURRENTLY users_handle_key ON users (handle COLLATE "C")');
    await runAll(db.current, [bytewise!]);
    await db.current.query(`INSERT INTO users VALUES (1001, 'USER1')`);
    await expect(db.current.query(`INSERT INTO users VALUES (1002, 'user1')`)).rejects.toMatchObject({ code: '23505' });
    await db.current.query('DROP INDEX users_handle_key');

    await db.current.query(`DELETE FROM users WHERE id = 1001`);
    await runAll(db.current, [lowerVariant(finding!)]);
    await expect(db.current.query(`INSERT INTO users VALUES (1001, 'USER1')`)).rejects.toMatchObject({ code: '23505' });
    const { rows } = await db.current.query(`SELECT pg_get_indexdef('users_handle_lower_key'::regclass) AS def`);
    expect(rows[0]!.def).toContain('(lower(handle) COLLATE "C")');
  });
});
