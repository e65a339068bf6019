import { describe, expect, it } from 'vitest';
import { seedRows, useTestDatabase } from '@pgsafe/testing';
import { rendered as renderedWith, ruleFindings as anyFindings } from '../testing/rule-kit.js';
import { appWaitWhileHeld } from '../testing/e2e.js';

const ID = 'prefer-text-field';
// Opt-in (issue 22): its tests turn it on, as `--rule prefer-text-field` does.
const ON = { severities: { [ID]: 'warning' as const } };
const ruleFindings = (id: string, sql: string) => anyFindings(id, sql, ON);
const rendered = (id: string, sql: string) => renderedWith(id, sql, ON);

describe(ID, () => {
  it('warns about varchar(n) columns', async () => {
    const sql = 'ALTER TABLE users ADD COLUMN nickname varchar(40);';
    const findings = await ruleFindings(ID, sql);
    expect(findings[0]!.recipe.sql).toContain('ALTER TABLE users ADD COLUMN nickname text;');
    expect(await rendered(ID, sql)).toMatchSnapshot();
  });

  it('speaks once per history: an ORM writes varchar(255) for every string column (issue 22)', async () => {
    const sql = 'CREATE TABLE users (id bigint PRIMARY KEY, email varchar(255), name varchar(255));\nCREATE TABLE teams (id bigint PRIMARY KEY, name varchar(255));\nALTER TABLE users ADD COLUMN nickname varchar(40);';
    const findings = await ruleFindings(ID, sql);
    expect(findings.map((f) => f.start.line)).toEqual([1]);
    expect(findings[0]!.message).toContain('Said once per migration history: later varchar(n) columns are not reported.');
  });

  it('accepts text and unbounded varchar', async () => {
    expect(await ruleFindings(ID, 'CREATE TABLE t (a text, b varchar);')).toEqual([]);
  });
});

describe(`${ID} on PostgreSQL`, () => {
  const db = useTestDatabase('text_field');

  it('tightening a varchar limit blocks reads; adding a CHECK NOT VALID does not block them for long', async () => {
    await db.current.query('CREATE TABLE users (id bigint PRIMARY KEY, a varchar(40), b text)');
    await seedRows(db.current, 'users', 5000, { id: 'i', a: "'n' || i", b: "'n' || i" });
    const tighten = await appWaitWhileHeld(db.current, ['ALTER TABLE users ALTER COLUMN a TYPE varchar(20)'], 'SELECT count(*) FROM users', 400);
    expect(tighten.ms).toBeGreaterThanOrEqual(350);
    await db.current.query('ALTER TABLE users ADD CONSTRAINT users_b_len CHECK (char_length(b) <= 20) NOT VALID');
    const validate = await appWaitWhileHeld(db.current, ['ALTER TABLE users VALIDATE CONSTRAINT users_b_len'], 'SELECT count(*) FROM users', 400);
    expect(validate.ms).toBeLessThan(200);
  });
});
