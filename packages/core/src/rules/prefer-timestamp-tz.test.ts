import { describe, expect, it } from 'vitest';
import { seedRows, useTestDatabase } from '@pgsafe/testing';
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

  it("reports the columns of one statement the database's clock fills, in one finding, fixed together", async () => {
    const findings = await ruleFindings(ID, 'CREATE TABLE "Order" ("createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, "updatedAt" TIMESTAMP(3) DEFAULT now(), "paidAt" timestamptz);');
    expect(findings.map((f) => [f.message, f.recipe.sql])).toEqual([
      [
        'Columns "createdAt" and "updatedAt" are timestamp without time zone filled by the database\'s clock: the value is the session\'s local time; use timestamptz. Said once per migration history: later such columns are not reported.',
        'CREATE TABLE "Order" ("createdAt" timestamptz(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, "updatedAt" timestamptz(3) DEFAULT now(), "paidAt" timestamptz);',
      ],
    ]);
  });

  it('leaves out timestamps the application writes, or a default that pins the zone (issue 22)', async () => {
    for (const sql of [
      'CREATE TABLE e (a timestamp, b timestamp(3) NOT NULL);',
      "CREATE TABLE e (a timestamp DEFAULT timezone('utc'::text, now()));",
      "CREATE TABLE e (a timestamp DEFAULT (now() AT TIME ZONE 'utc'));",
      'ALTER TABLE e ALTER COLUMN b TYPE timestamp;',
    ]) expect(await ruleFindings(ID, sql), sql).toEqual([]);
    for (const sql of ['CREATE TABLE e (a timestamp DEFAULT LOCALTIMESTAMP);', 'CREATE TABLE e (a timestamp DEFAULT now()::timestamp);', 'ALTER TABLE e ADD COLUMN a timestamp DEFAULT clock_timestamp();']) {
      expect(await ruleFindings(ID, sql), sql).toHaveLength(1);
    }
  });

  it('speaks once per history (issue 22)', async () => {
    expect(await ruleFindings(ID, 'CREATE TABLE a (at timestamp DEFAULT now());\nCREATE TABLE b (at timestamp DEFAULT now());')).toHaveLength(1);
  });

  it('accepts timestamptz', async () => {
    expect(await ruleFindings(ID, 'ALTER TABLE users ADD COLUMN at timestamptz, ADD COLUMN at2 timestamp with time zone;')).toEqual([]);
  });
});

describe(`${ID} on PostgreSQL`, () => {
  const db = useTestDatabase('timestamptz');

  it('one instant reads back as two instants from two TimeZones with timestamp; as one with the recipe', async () => {
    const flagged = 'CREATE TABLE events (id int, at timestamp DEFAULT now());';
    const [finding] = await ruleFindings(ID, flagged);
    await db.current.query(flagged);
    await runAll(db.current, (await recipeStatements(finding!)).map((s) => s.replace('events', 'events_tz')));
    await seedRows(db.current, 'events', 1000, { id: 'i + 1', at: "timestamp '2024-01-01' + i * interval '1 hour'" });
    await seedRows(db.current, 'events_tz', 1000, { id: 'i + 1', at: "timestamptz '2024-01-01 00:00+00' + i * interval '1 hour'" });

    const sessions = await Promise.all(['UTC', 'Asia/Tokyo'].map(async (zone) => {
      const client = await db.current.connect();
      await client.query(`SET TimeZone = '${zone}'`);
      return client;
    }));
    const [utc, tokyo] = sessions as [(typeof sessions)[0], (typeof sessions)[0]];
    try {
      // The application in UTC writes one instant, 2024-06-01 12:00 UTC, into both tables.
      for (const table of ['events', 'events_tz']) await utc.query(`INSERT INTO ${table} VALUES (1, timestamptz '2024-06-01 12:00:00+00')`);
      // Each session reads it back as an instant, as drivers do with a zoneless value: in the session's zone.
      const epoch = async (client: typeof utc, table: string) =>
        Number((await client.query(`SELECT extract(epoch FROM at::timestamptz) AS s FROM ${table} WHERE id = 1`)).rows[0]!.s);
      expect((await epoch(utc, 'events')) - (await epoch(tokyo, 'events'))).toBe(9 * 3600);
      expect(await epoch(tokyo, 'events_tz')).toBe(await epoch(utc, 'events_tz'));

      // Written from Tokyo, the same instant is stored as other digits in timestamp, the same instant in timestamptz.
      for (const table of ['events', 'events_tz']) await tokyo.query(`INSERT INTO ${table} VALUES (0, timestamptz '2024-06-01 12:00:00+00')`);
      const distinct = async (table: string) => (await utc.query(`SELECT count(DISTINCT at)::int AS n FROM ${table} WHERE id IN (0, 1)`)).rows[0]!.n;
      expect(await distinct('events')).toBe(2);
      expect(await distinct('events_tz')).toBe(1);
    } finally {
      await Promise.all(sessions.map((c) => c.end()));
    }
  });
});
