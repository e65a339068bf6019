import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '@pgsafe/testing';
import { rendered, ruleFindings } from '../testing/rule-kit.js';

const ID = 'renaming-schema';
const SQL = 'ALTER SCHEMA billing RENAME TO invoicing;';

describe(ID, () => {
  it('flags a schema rename', async () => {
    expect((await ruleFindings(ID, SQL)).map((f) => f.severity)).toEqual(['error']);
    expect(await rendered(ID, SQL)).toMatchSnapshot();
  });

  it('does not flag other renames', async () => {
    expect(await ruleFindings(ID, 'ALTER INDEX a RENAME TO b;')).toEqual([]);
  });
});

describe(`${ID} on PostgreSQL`, () => {
  const db = useTestDatabase('schema_rename');

  it('queries naming the old schema fail at once', async () => {
    await db.current.query('CREATE SCHEMA billing');
    await db.current.query('CREATE TABLE billing.invoices AS SELECT generate_series(1, 100) AS id');
    await db.current.query(SQL);
    await expect(db.current.query('SELECT count(*) FROM billing.invoices')).rejects.toMatchObject({ code: '42P01' });
  });
});
