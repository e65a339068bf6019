import { describe, expect, it } from 'vitest';
import { seedRows, useTestDatabase } from '@pgsafe/testing';
import { rendered, ruleFindings } from '../testing/rule-kit.js';
import { recipeStatements, runAll } from '../testing/e2e.js';
import { MigrationHistory } from '../context/history.js';
import { parseMigration } from '../parse.js';
import { migrationTime } from '../migration-time.js';

const ID = 'adding-required-field';

describe(ID, () => {
  it('flags ADD COLUMN ... NOT NULL without a default', async () => {
    const sql = `ALTER TABLE users ADD COLUMN country text NOT NULL;`;
    const findings = await ruleFindings(ID, sql);
    expect(findings.map((f) => [f.severity, f.start.column])).toEqual([['error', 30]]);
    expect(await rendered(ID, sql)).toMatchSnapshot();
  });

  it('quotes names that need it, in the message and the recipe', async () => {
    const sql = `ALTER TABLE "Users" ADD COLUMN "countryCode" varchar(2) NOT NULL;`;
    const [finding] = await ruleFindings(ID, sql);
    expect(finding!.recipe.sql).toContain(`ALTER TABLE "Users" ADD COLUMN "countryCode" varchar(2);`);
    expect(finding!.recipe.sql).toContain(`ADD CONSTRAINT "Users_countryCode_not_null_chk" CHECK ("countryCode" IS NOT NULL) NOT VALID;`);
    expect(await rendered(ID, sql)).toMatchSnapshot();
  });

  it('flags each offending column of a multi-column ALTER', async () => {
    const findings = await ruleFindings(ID, `ALTER TABLE users ADD COLUMN a int NOT NULL, ADD COLUMN b int, ADD COLUMN c int NOT NULL;`);
    expect(findings.map((f) => f.message.match(/column (\w+)/)![1])).toEqual(['a', 'c']);
  });

  it('not for a table an earlier migration of the same change created (written less than 12 hours before) and left empty (issue 22)', () => {
    const create = 'CREATE TABLE tokens (id bigint PRIMARY KEY);';
    const add = 'ALTER TABLE tokens ADD COLUMN obfuscated text NOT NULL;';
    const findings = (first: string, second: string, sql = create) => {
      const history = new MigrationHistory({ pgVersion: 15 });
      history.next(parseMigration(sql, first), { name: first });
      return history.next(parseMigration(add, second), { name: second }).filter((f) => f.rule === ID);
    };
    expect(findings('20240111141302_create_tokens', '20240111144844_obfuscate_tokens')).toEqual([]);
    // A day later the first one may be deployed already, and the table filled since.
    expect(findings('20240110141302_create_tokens', '20240111144844_obfuscate_tokens')).toHaveLength(1);
    // Rows the migration itself put in make the ALTER fail whenever it runs.
    expect(findings('20240111141302_create_tokens', '20240111144844_obfuscate_tokens', `${create}\nINSERT INTO tokens VALUES (1);`)).toHaveLength(1);
    // Names without a timestamp say nothing about when.
    expect(findings('V1__create_tokens', 'V2__obfuscate_tokens')).toHaveLength(1);
  });

  it('not for a table the migration emptied first (DELETE without WHERE, TRUNCATE), but after rows put back (issue 22)', async () => {
    const add = 'ALTER TABLE memberships ADD COLUMN org_id text NOT NULL;';
    expect(await ruleFindings(ID, `DELETE FROM memberships;\n${add}`)).toEqual([]);
    expect(await ruleFindings(ID, `TRUNCATE memberships;\n${add}`)).toEqual([]);
    expect(await ruleFindings(ID, `DELETE FROM memberships WHERE role = 'guest';\n${add}`)).toHaveLength(1);
    expect(await ruleFindings(ID, `TRUNCATE memberships;\nINSERT INTO memberships SELECT * FROM old_memberships;\n${add}`)).toHaveLength(1);
  });

  it('reads the timestamps runners put in migration names', () => {
    expect(migrationTime('20240111144844_obfuscate_tokens')).toBe(Date.UTC(2024, 0, 11, 14, 48, 44));
    expect(migrationTime('2025-08-01-000012_no-individual-inboxes')).toBe(Date.UTC(2025, 7, 1, 0, 0, 12));
    for (const name of ['V1676555340__x.sql', '0004_1.8.0_schema', '20190100000008000000_client']) expect(migrationTime(name), name).toBeUndefined();
  });

  it('accepts the safe forms', async () => {
    expect(await ruleFindings(ID, `ALTER TABLE users ADD COLUMN country text NOT NULL DEFAULT 'FR';`)).toEqual([]);
    expect(await ruleFindings(ID, `ALTER TABLE users ADD COLUMN country text;`)).toEqual([]);
    expect(await ruleFindings(ID, `ALTER TABLE users ADD COLUMN id2 bigint GENERATED ALWAYS AS IDENTITY NOT NULL;`)).toEqual([]);
    expect(await ruleFindings(ID, `CREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN country text NOT NULL;`)).toEqual([]);
  });
});

describe(`${ID} on PostgreSQL`, () => {
  const db = useTestDatabase('required_field');

  it('fails on a table with 1,000 rows, and the recipe succeeds and ends NOT NULL', async () => {
    await db.current.query('CREATE TABLE users (id bigint PRIMARY KEY, name text)');
    await seedRows(db.current, 'users', 1000, { id: 'i', name: "'user ' || i" });
    const sql = 'ALTER TABLE users ADD COLUMN country text NOT NULL;';
    await expect(db.current.query(sql)).rejects.toMatchObject({ code: '23502' });

    const [finding] = await ruleFindings(ID, sql);
    const steps = await recipeStatements(finding!);
    // The backfill the recipe leaves to the user, done in one go here.
    await runAll(db.current, [steps[0]!, "UPDATE users SET country = 'FR' WHERE country IS NULL", ...steps.slice(1)]);
    const { rows } = await db.current.query(
      `SELECT is_nullable FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'country'`,
    );
    expect(rows).toEqual([{ is_nullable: 'NO' }]);
  });
});
