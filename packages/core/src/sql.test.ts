/** The names pgsafe's recipes give to what they add, against the names PostgreSQL itself chooses. */
import { describe, expect, it } from 'vitest';
import { serverMajor, useTestDatabase } from '@pgsafe/testing';
import { makeName, notNullCheckName } from './sql.js';

describe('makeName', () => {
  it('joins the parts, and past 63 bytes cuts the longer of table and columns, never the label', () => {
    expect(makeName('orders', 'user_id', 'fkey')).toBe('orders_user_id_fkey');
    const long = 'a'.repeat(70);
    expect(makeName(long, 'pkey')).toBe(`${'a'.repeat(58)}_pkey`);
    expect(makeName(long, 'id', 'key')).toBe(`${'a'.repeat(56)}_id_key`);
    expect(makeName('é'.repeat(40), 'new')).toBe(`${'é'.repeat(29)}_new`);
  });
});

describe('names on the server', () => {
  const db = useTestDatabase('sql_names');
  const table = `t${'x'.repeat(60)}`;
  const column = `c${'y'.repeat(40)}`;

  it("are PostgreSQL's own for a long primary key and unique key, and the NOT NULL check never takes PostgreSQL's not-null name", async () => {
    await db.current.query(`CREATE TABLE ${table} (id int PRIMARY KEY, ${column} int UNIQUE)`);
    await db.current.query(`INSERT INTO ${table} SELECT i, i FROM generate_series(1, 100) i`);
    const check = notNullCheckName(table, column);
    await db.current.query(`ALTER TABLE ${table} ADD CONSTRAINT ${check} CHECK (${column} IS NOT NULL) NOT VALID`);
    await db.current.query(`ALTER TABLE ${table} VALIDATE CONSTRAINT ${check}`);
    await db.current.query(`ALTER TABLE ${table} ALTER COLUMN ${column} SET NOT NULL`);
    const names = async () =>
      (await db.current.query<{ conname: string; contype: string }>(`SELECT conname, contype FROM pg_constraint WHERE conrelid = '${table}'::regclass ORDER BY contype, conname`)).rows;
    const before = await names();
    expect(before).toContainEqual({ conname: makeName(table, 'pkey'), contype: 'p' });
    expect(before).toContainEqual({ conname: makeName(table, column, 'key'), contype: 'u' });
    expect(before).toContainEqual({ conname: check, contype: 'c' });
    await db.current.query(`ALTER TABLE ${table} DROP CONSTRAINT ${check}`);
    const notNull = (await names()).filter((c) => c.contype === 'n').map((c) => c.conname);
    // PG 18 records each NOT NULL (the primary key's too) as a constraint named as an unnamed one would be; older
    // majors record none.
    const pg18 = [makeName(table, column, 'not_null'), makeName(table, 'id', 'not_null')];
    expect(notNull.sort()).toEqual((await serverMajor()) >= 18 ? pg18.sort() : []);
  });
});
