import { describe, expect, it } from 'vitest';
import { seedRows, useTestDatabase } from '@pgsafe/testing';
import { rendered, ruleFindings } from '../testing/rule-kit.js';

const ID = 'changing-column-type';

describe(ID, () => {
  it('flags int → bigint and any USING', async () => {
    const sql = 'ALTER TABLE orders ALTER COLUMN id TYPE bigint;';
    expect((await ruleFindings(ID, sql)).map((f) => f.severity)).toEqual(['error']);
    expect(await rendered(ID, sql)).toMatchSnapshot();
    expect(await ruleFindings(ID, 'ALTER TABLE orders ALTER COLUMN ref TYPE text USING ref::text;')).toHaveLength(1);
  });

  it('does not flag changes PostgreSQL makes without a rewrite when the old type is known', async () => {
    const base = 'CREATE TABLE t (id int);\nCOMMIT;\n';
    for (const [from, to] of [
      ['varchar(50)', 'varchar(100)'],
      ['varchar(50)', 'text'],
      ['text', 'varchar'],
      ['numeric(10,2)', 'numeric(12,2)'],
      ['numeric(10,2)', 'numeric'],
    ]) {
      // The column comes from an earlier migration step on an existing table: `orders` is not created here.
      const sql = `${base}ALTER TABLE orders ADD COLUMN c ${from};\nALTER TABLE orders ALTER COLUMN c TYPE ${to};`;
      expect(await ruleFindings(ID, sql), `${from} → ${to}`).toEqual([]);
    }
    expect(await ruleFindings(ID, 'ALTER TABLE orders ADD COLUMN c varchar(100);\nALTER TABLE orders ALTER COLUMN c TYPE varchar(50);')).toHaveLength(1);
  });

  it('only warns when the old type is unknown and the new one may be metadata-only', async () => {
    const findings = await ruleFindings(ID, 'ALTER TABLE orders ALTER COLUMN note TYPE text;');
    expect(findings.map((f) => f.severity)).toEqual(['warning']);
  });
});

describe(`${ID} on PostgreSQL`, () => {
  const db = useTestDatabase('column_type');

  const relfilenode = async () =>
    (await db.current.query<{ n: string }>(`SELECT relfilenode::text AS n FROM pg_class WHERE relname = 'orders'`)).rows[0]!.n;

  it('int → bigint rewrites the table (new relfilenode); the no-rewrite changes keep it', async () => {
    await db.current.query('CREATE TABLE orders (id int PRIMARY KEY, ref varchar(50), amount numeric(10,2), note varchar(20))');
    await seedRows(db.current, 'orders', 2000, { id: 'i', ref: "'r' || i", amount: 'i', note: "'n'" });
    const start = await relfilenode();
    for (const sql of [
      'ALTER TABLE orders ALTER COLUMN ref TYPE varchar(100)',
      'ALTER TABLE orders ALTER COLUMN ref TYPE text',
      'ALTER TABLE orders ALTER COLUMN amount TYPE numeric(12,2)',
      'ALTER TABLE orders ALTER COLUMN note TYPE text',
    ]) {
      await db.current.query(sql);
      expect(await relfilenode(), sql).toBe(start);
    }
    await db.current.query('ALTER TABLE orders ALTER COLUMN id TYPE bigint');
    expect(await relfilenode()).not.toBe(start);
  });
});
