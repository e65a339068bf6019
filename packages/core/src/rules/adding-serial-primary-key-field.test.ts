import { describe, expect, it } from 'vitest';
import { seedRows, useTestDatabase } from '@pgsafe/testing';
import { rendered, ruleFindings } from '../testing/rule-kit.js';
import { appWaitWhileHeld, recipeStatements, runAll } from '../testing/e2e.js';

const ID = 'adding-serial-primary-key-field';
const ADD = 'ALTER TABLE events ADD PRIMARY KEY (id);';

describe(ID, () => {
  it('flags ADD PRIMARY KEY and a PRIMARY KEY column added to an existing table', async () => {
    expect((await ruleFindings(ID, ADD)).map((f) => f.severity)).toEqual(['error']);
    expect(await rendered(ID, ADD)).toMatchSnapshot();
    expect(await ruleFindings(ID, 'ALTER TABLE events ADD COLUMN pk bigserial PRIMARY KEY;')).toHaveLength(1);
  });

  it('accepts USING INDEX and new tables', async () => {
    expect(await ruleFindings(ID, 'ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_pkey;')).toEqual([]);
    expect(await ruleFindings(ID, `CREATE TABLE events (id bigint NOT NULL);\n${ADD}`)).toEqual([]);
  });
});

describe(`${ID} on PostgreSQL`, () => {
  const db = useTestDatabase('add_pk');

  it('the plain ADD PRIMARY KEY blocks reads while held; the recipe gives the same primary key', async () => {
    await db.current.query('CREATE TABLE events (id bigint NOT NULL, what text)');
    await seedRows(db.current, 'events', 5000, { id: 'i', what: "'e'" });
    const blocked = await appWaitWhileHeld(db.current, [ADD], 'SELECT count(*) FROM events', 400);
    expect(blocked.ms).toBeGreaterThanOrEqual(350);
    const [finding] = await ruleFindings(ID, ADD);
    await runAll(db.current, await recipeStatements(finding!));
    const { rows } = await db.current.query(`SELECT conname, contype FROM pg_constraint WHERE conrelid = 'events'::regclass AND contype = 'p'`);
    expect(rows).toEqual([{ conname: 'events_pkey', contype: 'p' }]);
  });
});
