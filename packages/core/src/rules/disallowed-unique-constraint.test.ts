import { describe, expect, it } from 'vitest';
import { seedRows, useTestDatabase } from '@pgsafe/testing';
import { rendered, ruleFindings } from '../testing/rule-kit.js';
import { appWaitWhileHeld, recipeStatements, runAll } from '../testing/e2e.js';

const ID = 'disallowed-unique-constraint';
const ADD = 'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);';

describe(ID, () => {
  it('flags ADD CONSTRAINT UNIQUE on an existing table', async () => {
    expect((await ruleFindings(ID, ADD)).map((f) => [f.severity, f.lock?.mode])).toEqual([['error', 'ACCESS EXCLUSIVE']]);
    expect(await rendered(ID, ADD)).toMatchSnapshot();
  });

  it('accepts USING INDEX and new tables', async () => {
    expect(await ruleFindings(ID, 'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;')).toEqual([]);
    expect(await ruleFindings(ID, `CREATE TABLE users (email text);\n${ADD}`)).toEqual([]);
  });
});

describe(`${ID} on PostgreSQL`, () => {
  const db = useTestDatabase('unique_constraint');

  it('the plain constraint blocks reads while held; the recipe ends with the same constraint', async () => {
    await db.current.query('CREATE TABLE users (id bigint PRIMARY KEY, email text)');
    await seedRows(db.current, 'users', 5000, { id: 'i', email: "'u' || i || '@x.io'" });
    const blocked = await appWaitWhileHeld(db.current, [ADD], 'SELECT count(*) FROM users', 400);
    expect(blocked.ms).toBeGreaterThanOrEqual(350);
    const [finding] = await ruleFindings(ID, ADD);
    await runAll(db.current, await recipeStatements(finding!));
    const { rows } = await db.current.query(`SELECT contype FROM pg_constraint WHERE conname = 'users_email_key'`);
    expect(rows).toEqual([{ contype: 'u' }]);
    await expect(db.current.query(`INSERT INTO users VALUES (9999, 'u1@x.io')`)).rejects.toMatchObject({ code: '23505' });
  });
});
