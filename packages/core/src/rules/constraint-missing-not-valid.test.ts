import { describe, expect, it } from 'vitest';
import { seedRows, useTestDatabase } from '@pgsafe/testing';
import { rendered, ruleFindings } from '../testing/rule-kit.js';
import { appWaitWhileHeld, recipeStatements } from '../testing/e2e.js';

const ID = 'constraint-missing-not-valid';

describe(ID, () => {
  it('flags a validated CHECK on an existing table', async () => {
    const sql = 'ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total_cents >= 0);';
    const findings = await ruleFindings(ID, sql);
    expect(findings.map((f) => [f.severity, f.start.column, f.lock?.mode])).toEqual([['error', 24, 'ACCESS EXCLUSIVE']]);
    expect(findings[0]!.recipe.sql).toContain('CHECK (total_cents >= 0) NOT VALID;');
    expect(await rendered(ID, sql)).toMatchSnapshot();
  });

  it('leaves foreign keys to adding-foreign-key-constraint (one finding per problem)', async () => {
    expect(await ruleFindings(ID, 'ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id);')).toEqual([]);
  });

  it('accepts NOT VALID, VALIDATE, and new tables', async () => {
    expect(await ruleFindings(ID, 'ALTER TABLE orders ADD CONSTRAINT c CHECK (total_cents >= 0) NOT VALID;')).toEqual([]);
    expect(await ruleFindings(ID, 'ALTER TABLE orders VALIDATE CONSTRAINT c;')).toEqual([]);
    expect(await ruleFindings(ID, 'CREATE TABLE orders (total_cents int);\nALTER TABLE orders ADD CONSTRAINT c CHECK (total_cents >= 0);')).toEqual([]);
  });
});

describe(`${ID} on PostgreSQL`, () => {
  const db = useTestDatabase('check_not_valid');

  it('fails on violating rows and blocks reads while held; NOT VALID + repair + VALIDATE lets traffic through', async () => {
    await db.current.query('CREATE TABLE orders (id bigint PRIMARY KEY, total_cents int)');
    await seedRows(db.current, 'orders', 1000, { id: 'i', total_cents: 'CASE WHEN i % 100 = 0 THEN -1 ELSE i END' });
    const sql = 'ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total_cents >= 0);';
    await expect(db.current.query(sql)).rejects.toMatchObject({ code: '23514' });

    await db.current.query('UPDATE orders SET total_cents = 0 WHERE total_cents < 0');
    const blocked = await appWaitWhileHeld(db.current, [sql], 'SELECT count(*) FROM orders', 400);
    expect(blocked.ms).toBeGreaterThanOrEqual(350);

    const [finding] = await ruleFindings(ID, sql);
    const [addNotValid, validate] = await recipeStatements(finding!);
    await db.current.query(addNotValid!);
    // VALIDATE takes SHARE UPDATE EXCLUSIVE: reads and writes go on while it scans.
    const during = await appWaitWhileHeld(db.current, [validate!], 'INSERT INTO orders VALUES (5000, 1)', 400, 'commit');
    expect(during.error).toBeUndefined();
    expect(during.ms).toBeLessThan(200);
    const { rows } = await db.current.query(`SELECT convalidated FROM pg_constraint WHERE conname = 'orders_total_positive'`);
    expect(rows).toEqual([{ convalidated: true }]);
  });
});
