import { describe, expect, it } from 'vitest';
import { seedRows, useTestDatabase } from '@pgsafe/testing';
import { findingsFor, rendered, ruleFindings } from '../testing/rule-kit.js';

const ID = 'ban-drop-column';
const DROP = 'ALTER TABLE users DROP COLUMN legacy_plan;';

describe(ID, () => {
  it('is not reported when the previous release is stopped before the migrations run (deploy: stop-the-app, issue 22)', async () => {
    expect(await ruleFindings(ID, DROP, { deploy: 'stop-the-app' })).toEqual([]);
    expect(await ruleFindings(ID, DROP, { deploy: 'rolling' })).toHaveLength(1);
  });

  it("says which of the previous release's queries break, as the project's runner tells (issue 22)", async () => {
    const why = async (runner?: 'prisma' | 'diesel' | 'flyway') => (await ruleFindings(ID, DROP, runner ? { runner } : {}))[0]!.why;
    expect(await why('prisma')).toContain('Prisma Client names every scalar field of the model');
    expect(await why('diesel')).toContain('every query of the previous release that reads or writes users fails');
    expect(await why('flyway')).toContain('break where they name legacy_plan (SELECT * keeps working)');
    expect(await why()).toContain('An ORM that names every mapped column');
  });

  it('flags dropping a column of an existing table', async () => {
    expect((await ruleFindings(ID, DROP)).map((f) => f.severity)).toEqual(['error']);
    expect(await rendered(ID, DROP)).toMatchSnapshot();
  });

  it('accepts it with a reasoned pgsafe-ignore, and on new tables', async () => {
    const accepted = `SET lock_timeout = '1s';\nSET statement_timeout = '1s';\n-- pgsafe-ignore ban-drop-column: unused since v41\n${DROP.replace('DROP COLUMN', 'DROP COLUMN IF EXISTS')}`;
    expect(await findingsFor(accepted)).toEqual([]);
    expect(await ruleFindings(ID, `CREATE TABLE users (legacy_plan text);\n${DROP}`)).toEqual([]);
  });
});

describe(`${ID} on PostgreSQL`, () => {
  const db = useTestDatabase('drop_column');

  it("the running code's query fails the moment the column is dropped", async () => {
    await db.current.query('CREATE TABLE users (id bigint PRIMARY KEY, legacy_plan text)');
    await seedRows(db.current, 'users', 1000, { id: 'i', legacy_plan: "'basic'" });
    const oldCode = 'SELECT id, legacy_plan FROM users WHERE id = 1';
    expect((await db.current.query(oldCode)).rows).toHaveLength(1);
    await db.current.query(DROP);
    await expect(db.current.query(oldCode)).rejects.toMatchObject({ code: '42703' });
    // Hand-written SQL that does not name it keeps working; an ORM names every mapped column, as oldCode does.
    expect((await db.current.query('SELECT * FROM users WHERE id = 1')).rows).toEqual([{ id: '1' }]);
  });
});
