import { describe, expect, it } from 'vitest';
import { seedRows, useTestDatabase } from '@pgsafe/testing';
import { rendered, ruleFindings } from '../testing/rule-kit.js';
import { appWaitWhileHeld, recipeStatements } from '../testing/e2e.js';

const ID = 'adding-foreign-key-constraint';

describe(ID, () => {
  it('flags a validated foreign key, keeping its actions in the recipe', async () => {
    const sql = 'ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;';
    const findings = await ruleFindings(ID, sql);
    expect(findings.map((f) => [f.severity, f.lock?.mode])).toEqual([['error', 'SHARE ROW EXCLUSIVE']]);
    expect(findings[0]!.recipe.sql).toContain('FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE NOT VALID;');
    expect(await rendered(ID, sql)).toMatchSnapshot();
  });

  it('ADD COLUMN ... REFERENCES: silent without a DEFAULT (nothing to validate), an error with one (issue 22)', async () => {
    expect(await ruleFindings(ID, 'ALTER TABLE orders ADD COLUMN coupon_id bigint REFERENCES coupons;')).toEqual([]);
    expect(await ruleFindings(ID, 'ALTER TABLE orders ADD COLUMN coupon_id bigint DEFAULT NULL REFERENCES coupons;')).toEqual([]);
    const withDefault = await ruleFindings(ID, 'ALTER TABLE orders ADD COLUMN coupon_id bigint DEFAULT 1 REFERENCES coupons;');
    expect(withDefault.map((f) => f.severity)).toEqual(['error']);
  });

  it('accepts NOT VALID and foreign keys on new tables', async () => {
    expect(await ruleFindings(ID, 'ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;')).toEqual([]);
    expect(await ruleFindings(ID, 'CREATE TABLE orders (id int, user_id int);\nALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id);')).toEqual([]);
  });
});

describe(`${ID} on PostgreSQL`, () => {
  const db = useTestDatabase('fk_not_valid');

  it('ADD COLUMN ... REFERENCES without a DEFAULT reads no row of the table; with a DEFAULT it scans it', async () => {
    await db.current.query('CREATE TABLE coupons (id bigint PRIMARY KEY)');
    await db.current.query('INSERT INTO coupons VALUES (1)');
    await db.current.query('CREATE TABLE carts (id bigint PRIMARY KEY)');
    await seedRows(db.current, 'carts', 2000, { id: 'i' });
    const seqScans = async () => {
      await db.current.query('SELECT pg_stat_force_next_flush()');
      const { rows } = await db.current.query<{ n: string }>(`SELECT seq_scan AS n FROM pg_stat_user_tables WHERE relname = 'carts'`);
      return Number(rows[0]!.n);
    };
    const before = await seqScans();
    await db.current.query('ALTER TABLE carts ADD COLUMN coupon_id bigint REFERENCES coupons');
    expect(await seqScans()).toBe(before);
    await db.current.query('ALTER TABLE carts ADD COLUMN promo_id bigint DEFAULT 1 REFERENCES coupons');
    expect(await seqScans()).toBeGreaterThan(before);
  });

  it('fails on orphans and blocks writes to both tables; the recipe validates while writes continue', async () => {
    await db.current.query('CREATE TABLE users (id bigint PRIMARY KEY)');
    await db.current.query('CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint)');
    await seedRows(db.current, 'users', 500, { id: 'i' });
    await seedRows(db.current, 'orders', 1000, { id: 'i', user_id: '(i % 500) + 1' });
    await db.current.query('INSERT INTO orders VALUES (5000, 999999)');
    const sql = 'ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id);';
    await expect(db.current.query(sql)).rejects.toMatchObject({ code: '23503' });
    await db.current.query('DELETE FROM orders WHERE id = 5000');

    const parentWrite = await appWaitWhileHeld(db.current, [sql], 'INSERT INTO users VALUES (501)', 400);
    expect(parentWrite.ms).toBeGreaterThanOrEqual(350);

    const [finding] = await ruleFindings(ID, sql);
    const [addNotValid, validate] = await recipeStatements(finding!);
    await db.current.query(addNotValid!);
    const childWrite = await appWaitWhileHeld(db.current, [validate!], 'INSERT INTO orders VALUES (5001, 1)', 400, 'commit');
    const parentWrite2 = await appWaitWhileHeld(db.current, ['SELECT 1'], 'INSERT INTO users VALUES (502)', 10);
    expect(childWrite.error).toBeUndefined();
    expect(childWrite.ms).toBeLessThan(200);
    expect(parentWrite2.ms).toBeLessThan(200);
    const { rows } = await db.current.query(`SELECT convalidated FROM pg_constraint WHERE conname = 'orders_user_id_fkey'`);
    expect(rows).toEqual([{ convalidated: true }]);
  });
});
