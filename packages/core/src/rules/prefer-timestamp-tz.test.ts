import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '@pgsafe/testing';
import { rendered, ruleFindings } from '../testing/rule-kit.js';
import { recipeStatements, runAll } from '../testing/e2e.js';

const ID = 'prefer-timestamp-tz';

describe(ID, () => {
  it('warns about timestamp columns, keeping the precision in the recipe', async () => {
    const sql = 'ALTER TABLE users ADD COLUMN confirmed_at timestamp(3) NOT NULL DEFAULT now();';
    const findings = await ruleFindings(ID, sql);
    expect(findings.map((f) => f.severity)).toEqual(['warning']);
    expect(findings[0]!.recipe.sql).toBe('ALTER TABLE users ADD COLUMN confirmed_at timestamptz(3) NOT NULL DEFAULT now();');
    expect(await rendered(ID, sql)).toMatchSnapshot();
  });

  it('covers CREATE TABLE and ALTER COLUMN TYPE', async () => {
    const findings = await ruleFindings(ID, 'CREATE TABLE e (a timestamp without time zone, b timestamptz, c timestamp with time zone);\nALTER TABLE e ALTER COLUMN b TYPE timestamp;');
    expect(findings.map((f) => f.message.split(' ')[1])).toEqual(['a', 'b']);
  });

  it('reports the columns of one statement in one finding, fixed together', async () => {
    const findings = await ruleFindings(ID, 'CREATE TABLE "Order" ("createdAt" TIMESTAMP(3) NOT NULL, "updatedAt" TIMESTAMP(3), "paidAt" timestamptz);');
    expect(findings.map((f) => [f.message, f.recipe.sql])).toEqual([
      [
        'Columns "createdAt" and "updatedAt" are timestamp without time zone; use timestamptz.',
        'CREATE TABLE "Order" ("createdAt" timestamptz(3) NOT NULL, "updatedAt" timestamptz(3), "paidAt" timestamptz);',
      ],
    ]);
  });

  it('accepts timestamptz', async () => {
    expect(await ruleFindings(ID, 'ALTER TABLE users ADD COLUMN at timestamptz, ADD COLUMN at2 timestamp with time zone;')).toEqual([]);
  });
});

describe(`${ID} on PostgreSQL`, () => {
  const db = useTestDatabase('timestamptz');

  it('the same instant written from two time zones differs with timestamp, not with timestamptz', async () => {
    const [finding] = await ruleFindings(ID, 'CREATE TABLE events (id int, at timestamp);');
    await db.current.query('CREATE TABLE events_naive (id int, at timestamp)');
    await runAll(db.current, (await recipeStatements(finding!)).map((s) => s.replace('events', 'events_tz')));
    const write = async (zone: string, id: number) => {
      const client = await db.current.connect();
      await client.query(`SET TimeZone = '${zone}'`);
      await client.query(`INSERT INTO events_naive VALUES (${id}, now())`);
      await client.query(`INSERT INTO events_tz VALUES (${id}, now())`);
      await client.end();
    };
    // Same transaction time is not shared across sessions, so compare each pair's spread instead.
    await write('UTC', 1);
    await write('Asia/Tokyo', 2);
    const spread = async (table: string) =>
      Number((await db.current.query(`SELECT extract(epoch FROM max(at) - min(at)) AS s FROM ${table}`)).rows[0]!.s);
    expect(await spread('events_naive')).toBeGreaterThan(8 * 3600);
    expect(await spread('events_tz')).toBeLessThan(60);
  });
});
