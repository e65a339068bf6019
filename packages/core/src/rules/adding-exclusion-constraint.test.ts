import { describe, expect, it } from 'vitest';
import { seedRows, useTestDatabase } from '@pgsafe/testing';
import { rendered, ruleFindings } from '../testing/rule-kit.js';
import { appWaitWhileHeld } from '../testing/e2e.js';

const ID = 'adding-exclusion-constraint';
const SQL = 'ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (during WITH &&);';

describe(ID, () => {
  it('flags EXCLUDE on an existing table', async () => {
    expect((await ruleFindings(ID, SQL)).map((f) => [f.severity, f.lock?.mode])).toEqual([['error', 'ACCESS EXCLUSIVE']]);
    expect(await rendered(ID, SQL)).toMatchSnapshot();
  });

  it('accepts it on a new table', async () => {
    expect(await ruleFindings(ID, `CREATE TABLE bookings (during tstzrange);\n${SQL}`)).toEqual([]);
  });
});

describe(`${ID} on PostgreSQL`, () => {
  const db = useTestDatabase('exclusion');

  it('blocks reads while held, and NOT VALID is refused', async () => {
    await db.current.query('CREATE TABLE bookings (id bigint PRIMARY KEY, during tstzrange)');
    await seedRows(db.current, 'bookings', 3000, { id: 'i', during: "tstzrange(now() + i * interval '1 hour', now() + (i + 1) * interval '1 hour')" });
    const blocked = await appWaitWhileHeld(db.current, [SQL], 'SELECT count(*) FROM bookings', 400);
    expect(blocked.ms).toBeGreaterThanOrEqual(350);
    await expect(db.current.query(SQL.replace(';', ' NOT VALID;'))).rejects.toMatchObject({ code: '0A000' });
  });
});
