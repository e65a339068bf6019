import { describe, expect, it } from 'vitest';
import { seedRows, useTestDatabase } from '@pgsafe/testing';
import { rendered, ruleFindings } from '../testing/rule-kit.js';
import { recipeStatements, runAll } from '../testing/e2e.js';

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
