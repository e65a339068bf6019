import { describe, expect, it } from 'vitest';
import { seedRows, useTestDatabase } from '@pgsafe/testing';
import { rendered as renderedWith, ruleFindings as anyFindings } from '../testing/rule-kit.js';

const ID = 'ban-create-domain-with-constraint';
// Opt-in (issue 22): its tests turn it on, as `--rule ban-create-domain-with-constraint` does.
const ON = { severities: { [ID]: 'warning' as const } };
const ruleFindings = (id: string, sql: string) => anyFindings(id, sql, ON);
const rendered = (id: string, sql: string) => renderedWith(id, sql, ON);
const SQL = 'CREATE DOMAIN email AS text CHECK (VALUE LIKE \'%@%\');';

describe(ID, () => {
  it('is opt-in: creating the domain scans nothing; a later ALTER DOMAIN ... ADD CONSTRAINT is reported by its own rule', async () => {
    expect(await anyFindings(ID, SQL)).toEqual([]);
    expect(await ruleFindings(ID, SQL)).toHaveLength(1);
    expect((await anyFindings('ban-alter-domain-with-add-constraint', "ALTER DOMAIN email ADD CONSTRAINT email_at CHECK (VALUE LIKE '%@%');")).map((f) => f.rule)).toEqual(['ban-alter-domain-with-add-constraint']);
  });

  it('warns about a domain with a CHECK', async () => {
    expect((await ruleFindings(ID, SQL)).map((f) => f.severity)).toEqual(['warning']);
    expect(await rendered(ID, SQL)).toMatchSnapshot();
  });

  it('accepts a domain without constraints', async () => {
    expect(await ruleFindings(ID, 'CREATE DOMAIN email AS text;')).toEqual([]);
  });
});

describe(`${ID} on PostgreSQL`, () => {
  const db = useTestDatabase('domain_check');

  it('changing the rule later re-checks every table using the domain at once', async () => {
    await db.current.query(SQL);
    await db.current.query('CREATE TABLE users (id bigint PRIMARY KEY, contact email)');
    await db.current.query('CREATE TABLE leads (id bigint PRIMARY KEY, contact email)');
    await seedRows(db.current, 'users', 1000, { id: 'i', contact: "'u' || i || '@x.io'" });
    await seedRows(db.current, 'leads', 1000, { id: 'i', contact: "'l' || i || '@x'" });
    // One table's data is enough to make the new rule fail for all of them.
    await expect(db.current.query(`ALTER DOMAIN email ADD CONSTRAINT email_dot CHECK (VALUE LIKE '%@%.%')`)).rejects.toMatchObject({ code: '23514' });
  });
});
