import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '@pgsafe/testing';
import { rendered, ruleFindings } from '../testing/rule-kit.js';
import { MigrationHistory } from '../context/history.js';
import type { RunnerName } from '../context/runners.js';
import { parseMigration } from '../parse.js';

const ID = 'identifier-too-long';
const LONG = 'idx_customer_subscriptions_billing_period_started_at_and_status_v2';

describe(ID, () => {
  it('flags names over 63 bytes, counting bytes not characters', async () => {
    const sql = `CREATE INDEX CONCURRENTLY ${LONG} ON customer_subscriptions (billing_period_started_at, status);`;
    expect((await ruleFindings(ID, sql)).map((f) => f.severity)).toEqual(['error']);
    expect(await rendered(ID, sql)).toMatchSnapshot();
    expect(await ruleFindings(ID, `ALTER TABLE t ADD COLUMN "${'é'.repeat(32)}" int;`)).toHaveLength(1);
  });

  it('flags the names a statement gives, not those naming an existing object, which PostgreSQL cuts the same way (issue 22)', async () => {
    const other = 'customer_subscriptions_idx_on_billing_period_started_at_and_status';
    // DROP INDEX and the old name of a RENAME find the object under its cut name: they work.
    expect(await ruleFindings(ID, `DROP INDEX CONCURRENTLY IF EXISTS ${LONG};`)).toEqual([]);
    expect((await ruleFindings(ID, `ALTER INDEX ${LONG} RENAME TO ${other};`)).map((f) => f.message)).toEqual([expect.stringContaining(`${other} is 66 bytes`)]);
    expect(await ruleFindings(ID, `ALTER INDEX ${other} RENAME TO short_idx;`)).toEqual([]);
    const table = 'customer_subscription_billing_periods_with_started_at_and_status_v2';
    expect(await ruleFindings(ID, `ALTER TABLE orders ADD CONSTRAINT orders_sub_fkey FOREIGN KEY (sub_id) REFERENCES ${table} (id);`)).toEqual([]);
    // Given: a table, a column, a constraint, a view, a type, a function, a trigger, a schema.
    for (const sql of [`CREATE TABLE ${table} (id int);`, `ALTER TABLE t ADD COLUMN ${table} int;`, `ALTER TABLE t ADD CONSTRAINT ${table} CHECK (a > 0);`, `CREATE VIEW ${table} AS SELECT 1;`,
      `CREATE TYPE ${table} AS ENUM ('a');`, `CREATE FUNCTION ${table}() RETURNS int LANGUAGE sql AS 'SELECT 1';`, `CREATE TRIGGER ${table} BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f();`, `CREATE SCHEMA ${table};`]) {
      expect(await ruleFindings(ID, sql), sql).toHaveLength(1);
    }
  });

  it('in a plain-SQL history (diesel, flyway, goose...) only two long names cut alike; where the ORM compares names, every long name (issue 22)', () => {
    // Raw-SQL projects' long index and trigger names: PostgreSQL cuts every mention the same way and no tool
    // compares them; in Prisma, TypeORM and MikroORM projects the cut name is drift in every later schema diff.
    const inHistory = (runner: RunnerName, sql: string) => {
      const history = new MigrationHistory({ pgVersion: 15 });
      return history.next(parseMigration(sql, 'V2__indexes.sql'), { name: 'V2__indexes', execution: { runner, transactional: true, because: 'test' } }).filter((f) => f.rule === ID);
    };
    const one = `CREATE INDEX ${LONG} ON customer_subscriptions (status);`;
    expect(inHistory('flyway', one)).toEqual([]);
    expect(inHistory('diesel', one)).toEqual([]);
    expect(inHistory('prisma', one)).toHaveLength(1);
    expect(inHistory('typeorm', one)).toHaveLength(1);
    // The same long name twice (dropped and created again) is one object; two that share 63 bytes collide.
    expect(inHistory('flyway', `DROP INDEX IF EXISTS ${LONG};\n${one}\nALTER INDEX ${LONG} RENAME TO short_idx;\n${one}`)).toEqual([]);
    const twin = `CREATE INDEX ${LONG.replace('v2', 'v3')} ON customer_subscriptions (billing_period_started_at);`;
    expect(inHistory('flyway', `${one}\n${twin}`).map((f) => f.start.line)).toEqual([1, 2]);
  });

  it('accepts names of 63 bytes', async () => {
    expect(await ruleFindings(ID, `CREATE TABLE ${'t'.repeat(63)} (id int);`)).toEqual([]);
  });
});

describe(`${ID} on PostgreSQL`, () => {
  const db = useTestDatabase('long_names');

  it('a DROP naming an index by its long name drops it (PostgreSQL cuts the name the same way)', async () => {
    await db.current.query('CREATE TABLE subs (status text)');
    await db.current.query(`CREATE INDEX ${LONG} ON subs (status)`);
    await db.current.query(`DROP INDEX ${LONG}`);
    expect((await db.current.query(`SELECT count(*)::int AS n FROM pg_indexes WHERE tablename = 'subs'`)).rows).toEqual([{ n: 0 }]);
  });

  it('two long names sharing their first 63 bytes collide', async () => {
    await db.current.query('CREATE TABLE customer_subscriptions (billing_period_started_at date, status text)');
    await db.current.query(`CREATE INDEX ${LONG} ON customer_subscriptions (status)`);
    await expect(db.current.query(`CREATE INDEX ${LONG.replace('v2', 'v3')} ON customer_subscriptions (billing_period_started_at)`)).rejects.toMatchObject({ code: '42P07' });
  });
});

describe(`${ID} pre-filter`, () => {
  it('still sees quoted names with spaces and commas, and non-ASCII names', async () => {
    const spaced = `"${'a long name, with spaces and commas '.repeat(2)}"`;
    expect(await ruleFindings(ID, `CREATE TABLE ${spaced} (id int);`)).toHaveLength(1);
    expect(await ruleFindings(ID, `CREATE TABLE "${'ü'.repeat(32)}" (id int);`)).toHaveLength(1);
    expect(await ruleFindings(ID, `CREATE TABLE "${'ü'.repeat(31)}" (id int);`)).toEqual([]);
  });
});
