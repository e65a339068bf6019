import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '@pgsafe/testing';
import { rendered as renderedWith, ruleFindings as anyFindings } from '../testing/rule-kit.js';
import { recipeStatements, runAll } from '../testing/e2e.js';

const ID = 'prefer-jsonb';
// Opt-in (issue 22): its tests turn it on, as `--rule prefer-jsonb` does.
const ON = { severities: { [ID]: 'warning' as const } };
const ruleFindings = (id: string, sql: string) => anyFindings(id, sql, ON);
const rendered = (id: string, sql: string) => renderedWith(id, sql, ON);
const SQL = 'ALTER TABLE events ADD COLUMN payload json;';

describe(ID, () => {
  it('is opt-in: silent unless the config or --rule turns it on', async () => {
    expect(await anyFindings(ID, SQL)).toEqual([]);
    expect(await ruleFindings(ID, SQL)).toHaveLength(1);
  });

  it('warns about json columns', async () => {
    expect((await ruleFindings(ID, SQL)).map((f) => f.recipe.sql)).toEqual(['ALTER TABLE events ADD COLUMN payload jsonb;']);
    expect(await rendered(ID, SQL)).toMatchSnapshot();
  });

  it('accepts jsonb', async () => {
    expect(await ruleFindings(ID, 'ALTER TABLE events ADD COLUMN payload jsonb;')).toEqual([]);
  });
});

describe(`${ID} on PostgreSQL`, () => {
  const db = useTestDatabase('jsonb');

  it('DISTINCT fails on json and works on jsonb', async () => {
    await db.current.query('CREATE TABLE events (id int)');
    await db.current.query(SQL);
    await db.current.query(`INSERT INTO events VALUES (1, '{"a":1}'), (2, '{"a":1}')`);
    await expect(db.current.query('SELECT DISTINCT payload FROM events')).rejects.toMatchObject({ code: '42883' });
    const [finding] = await ruleFindings(ID, SQL);
    await runAll(db.current, (await recipeStatements(finding!)).map((s) => s.replace('payload', 'payload_b')));
    await db.current.query('UPDATE events SET payload_b = payload::jsonb');
    expect((await db.current.query('SELECT DISTINCT payload_b FROM events')).rows).toHaveLength(1);
  });
});
