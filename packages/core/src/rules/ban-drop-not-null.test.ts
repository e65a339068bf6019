import { describe, expect, it } from 'vitest';
import { seedRows, useTestDatabase } from '@pgsafe/testing';
import { rendered as renderedWith, ruleFindings as anyFindings } from '../testing/rule-kit.js';

const ID = 'ban-drop-not-null';
// Opt-in (issue 22): its tests turn it on, as `--rule ban-drop-not-null` does.
const ON = { severities: { [ID]: 'warning' as const } };
const ruleFindings = (id: string, sql: string) => anyFindings(id, sql, ON);
const rendered = (id: string, sql: string) => renderedWith(id, sql, ON);
const SQL = 'ALTER TABLE users ALTER COLUMN email DROP NOT NULL;';

describe(ID, () => {
  it('is opt-in: silent unless the config or --rule turns it on', async () => {
    expect(await anyFindings(ID, SQL)).toEqual([]);
    expect(await ruleFindings(ID, SQL)).toHaveLength(1);
  });

  it('warns about DROP NOT NULL on an existing table', async () => {
    expect((await ruleFindings(ID, SQL)).map((f) => f.severity)).toEqual(['warning']);
    expect(await rendered(ID, SQL)).toMatchSnapshot();
  });

  it('accepts it on a new table', async () => {
    expect(await ruleFindings(ID, `CREATE TABLE users (email text NOT NULL);\n${SQL}`)).toEqual([]);
  });
});

describe(`${ID} on PostgreSQL`, () => {
  const db = useTestDatabase('drop_not_null');

  it('after the drop, NULLs reach code that assumed a value', async () => {
    await db.current.query('CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL)');
    await seedRows(db.current, 'users', 1000, { id: 'i', email: "'u' || i || '@x.io'" });
    await db.current.query(SQL);
    await db.current.query('INSERT INTO users VALUES (1001, NULL)');
    // A report that assumed every user has an email now undercounts.
    const { rows } = await db.current.query(`SELECT count(*)::int AS all_users, count(*) FILTER (WHERE email LIKE '%@%')::int AS with_email FROM users`);
    expect(rows).toEqual([{ all_users: 1001, with_email: 1000 }]);
  });
});
