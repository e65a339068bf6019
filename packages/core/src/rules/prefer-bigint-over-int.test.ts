import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '@pgsafe/testing';
import { rendered as renderedWith, ruleFindings as anyFindings } from '../testing/rule-kit.js';
import { recipeStatements, runAll } from '../testing/e2e.js';

const ID = 'prefer-bigint-over-int';
// Opt-in (issue 22): its tests turn it on, as `--rule prefer-bigint-over-int` does.
const ON = { severities: { [ID]: 'warning' as const } };
const ruleFindings = (id: string, sql: string) => anyFindings(id, sql, ON);
const rendered = (id: string, sql: string) => renderedWith(id, sql, ON);
const CREATE = 'CREATE TABLE invoices (id serial PRIMARY KEY, customer_id integer NOT NULL, pages int);';

describe(ID, () => {
  it('warns about 4-byte key columns only, and rewrites them in the recipe', async () => {
    const findings = await ruleFindings(ID, CREATE);
    expect(findings.map((f) => f.message)).toEqual([
      'Key columns id and customer_id are 4-byte integers: they run out at 2,147,483,647; use bigint. Said once per migration history: later integer key columns are not reported.',
    ]);
    expect(findings[0]!.recipe.sql).toBe('CREATE TABLE invoices (id bigserial PRIMARY KEY, customer_id bigint NOT NULL, pages int);');
    expect(await rendered(ID, CREATE)).toMatchSnapshot();
  });

  it('accepts bigint keys and non-key integers', async () => {
    expect(await ruleFindings(ID, 'CREATE TABLE invoices (id bigint PRIMARY KEY, pages int, total integer);')).toEqual([]);
  });
});

describe(`${ID} on PostgreSQL`, () => {
  const db = useTestDatabase('bigint');

  it('an integer key fails past 2,147,483,647; the bigint recipe does not', async () => {
    await db.current.query(CREATE);
    await db.current.query(`SELECT setval(pg_get_serial_sequence('invoices', 'id'), 2147483647)`);
    await expect(db.current.query('INSERT INTO invoices (customer_id) VALUES (1)')).rejects.toMatchObject({ code: '2200H' });
    const [finding] = await ruleFindings(ID, CREATE);
    await runAll(db.current, ['DROP TABLE invoices', ...(await recipeStatements(finding!))]);
    await db.current.query(`SELECT setval(pg_get_serial_sequence('invoices', 'id'), 2147483647)`);
    await db.current.query('INSERT INTO invoices (customer_id) VALUES (1)');
    expect((await db.current.query('SELECT max(id)::text AS id FROM invoices')).rows).toEqual([{ id: '2147483648' }]);
  });
});
