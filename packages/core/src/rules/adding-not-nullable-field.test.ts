import { describe, expect, it } from 'vitest';
import { seedRows, useTestDatabase } from '@pgsafe/testing';
import { rendered, ruleFindings } from '../testing/rule-kit.js';
import { appWaitWhileHeld, recipeStatements } from '../testing/e2e.js';

const ID = 'adding-not-nullable-field';
const SET_NOT_NULL = 'ALTER TABLE users ALTER COLUMN country SET NOT NULL;';

describe(ID, () => {
  it('flags SET NOT NULL on an existing table', async () => {
    const findings = await ruleFindings(ID, SET_NOT_NULL);
    expect(findings.map((f) => [f.severity, f.lock?.mode])).toEqual([['error', 'ACCESS EXCLUSIVE']]);
    expect(await rendered(ID, SET_NOT_NULL)).toMatchSnapshot();
  });

  it('accepts SET NOT NULL after a validated CHECK (col IS NOT NULL) on PG 12+, not on PG 11', async () => {
    const sql = [
      'ALTER TABLE users ADD CONSTRAINT users_country_not_null_chk CHECK (country IS NOT NULL) NOT VALID;',
      'ALTER TABLE users VALIDATE CONSTRAINT users_country_not_null_chk;',
      SET_NOT_NULL,
    ].join('\n');
    expect(await ruleFindings(ID, sql)).toEqual([]);
    expect(await ruleFindings(ID, sql, { pgVersion: 12 })).toEqual([]);
    const pg11 = await ruleFindings(ID, sql, { pgVersion: 11 });
    expect(pg11).toHaveLength(1);
    expect(await rendered(ID, sql, { pgVersion: 11 })).toMatchSnapshot();
  });

  it('still flags it when the CHECK was never validated or is on another column', async () => {
    expect(await ruleFindings(ID, `ALTER TABLE users ADD CONSTRAINT c CHECK (country IS NOT NULL) NOT VALID;\n${SET_NOT_NULL}`)).toHaveLength(1);
    expect(await ruleFindings(ID, `ALTER TABLE users ADD CONSTRAINT c CHECK (city IS NOT NULL);\n${SET_NOT_NULL}`)).toHaveLength(1);
    expect(await ruleFindings(ID, `CREATE TABLE users (country text);\n${SET_NOT_NULL}`)).toEqual([]);
  });
});

describe(`${ID} on PostgreSQL`, () => {
  const db = useTestDatabase('set_not_null');

  it('fails on NULLs, blocks reads while it runs; the recipe validates without blocking and ends NOT NULL', async () => {
    await db.current.query('CREATE TABLE users (id bigint PRIMARY KEY, country text)');
    await seedRows(db.current, 'users', 1000, { id: 'i', country: "CASE WHEN i = 500 THEN NULL ELSE 'FR' END" });
    await expect(db.current.query(SET_NOT_NULL)).rejects.toMatchObject({ code: '23502' });
    await db.current.query(`UPDATE users SET country = 'FR' WHERE country IS NULL`);
    const blocked = await appWaitWhileHeld(db.current, [SET_NOT_NULL], 'SELECT count(*) FROM users', 400);
    expect(blocked.ms).toBeGreaterThanOrEqual(350);

    const [finding] = await ruleFindings(ID, SET_NOT_NULL);
    const [addCheck, validate, setNotNull, dropCheck] = await recipeStatements(finding!);
    await db.current.query(addCheck!);
    const validating = await appWaitWhileHeld(db.current, [validate!], `INSERT INTO users VALUES (2000, 'DE')`, 400, 'commit');
    expect(validating.ms).toBeLessThan(200);
    await db.current.query(setNotNull!);
    await db.current.query(dropCheck!);
    const { rows } = await db.current.query(`SELECT attnotnull FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname = 'country'`);
    expect(rows).toEqual([{ attnotnull: true }]);
  });
});
