import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '@pgsafe/testing';
import { rendered, ruleFindings } from '../testing/rule-kit.js';
import { recipeStatements, runAll } from '../testing/e2e.js';

const ID = 'collation-dependent-unique';

describe(ID, () => {
  it('warns about a unique index on a text column defined in the migration', async () => {
    const sql = 'ALTER TABLE users ADD COLUMN handle text;\nCREATE UNIQUE INDEX CONCURRENTLY users_handle_key ON users (handle);';
    const findings = await ruleFindings(ID, sql);
    expect(findings.map((f) => [f.severity, f.start.line])).toEqual([['warning', 2]]);
    expect(await rendered(ID, sql)).toMatchSnapshot();
  });

  it('covers UNIQUE constraints in CREATE TABLE and an explicit linguistic collation', async () => {
    expect(await ruleFindings(ID, 'CREATE TABLE tags (id int, slug varchar(40) UNIQUE);')).toHaveLength(1);
    expect(await ruleFindings(ID, 'CREATE TABLE tags (id int, slug text, UNIQUE (slug));')).toHaveLength(1);
    expect(await ruleFindings(ID, 'CREATE UNIQUE INDEX t_key ON tags (slug COLLATE "en-US-x-icu");')).toHaveLength(1);
  });

  it('accepts bytewise collations, non-text keys and unknown column types', async () => {
    expect(await ruleFindings(ID, 'CREATE TABLE tags (slug text COLLATE "C" UNIQUE);')).toEqual([]);
    expect(await ruleFindings(ID, 'CREATE UNIQUE INDEX t_key ON tags (slug COLLATE "C");')).toEqual([]);
    expect(await ruleFindings(ID, 'CREATE TABLE tags (id bigint UNIQUE);')).toEqual([]);
    expect(await ruleFindings(ID, 'CREATE UNIQUE INDEX t_key ON tags (slug);')).toEqual([]);
  });
});

describe(`${ID} on PostgreSQL`, () => {
  const db = useTestDatabase('collation');

  it('the same unique key accepts or rejects "Alice" and "alice" depending on the collation', async () => {
    await db.current.query(`CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false)`);
    await db.current.query('CREATE TABLE users_ci (handle text COLLATE ci UNIQUE)');
    await db.current.query(`INSERT INTO users_ci VALUES ('alice')`);
    await expect(db.current.query(`INSERT INTO users_ci VALUES ('Alice')`)).rejects.toMatchObject({ code: '23505' });

    const [finding] = await ruleFindings(ID, 'CREATE TABLE users (handle text);\nCREATE UNIQUE INDEX users_handle_key ON users (handle);');
    await db.current.query('CREATE TABLE users (handle text)');
    const [bytewise] = await recipeStatements(finding!);
    await runAll(db.current, [bytewise!]);
    await db.current.query(`INSERT INTO users VALUES ('alice'), ('Alice')`);
    await expect(db.current.query(`INSERT INTO users VALUES ('alice')`)).rejects.toMatchObject({ code: '23505' });
  });
});
