import { describe, expect, it } from 'vitest';
import { useTestDatabase, timed } from '@pgsafe/testing';
import { rendered, ruleFindings } from '../testing/rule-kit.js';

const ID = 'ban-uncommitted-transaction';

describe(ID, () => {
  it('flags a BEGIN that is never committed', async () => {
    const sql = 'BEGIN;\nALTER TABLE users ADD COLUMN bio text;';
    expect((await ruleFindings(ID, sql)).map((f) => [f.severity, f.start.line])).toEqual([['error', 1]]);
    expect(await rendered(ID, sql)).toMatchSnapshot();
  });

  it('accepts committed and rolled back blocks, and runner-wrapped files', async () => {
    expect(await ruleFindings(ID, 'BEGIN;\nSELECT 1;\nCOMMIT;')).toEqual([]);
    expect(await ruleFindings(ID, 'BEGIN;\nSELECT 1;\nROLLBACK;')).toEqual([]);
  });
});

describe(`${ID} on PostgreSQL`, () => {
  const db = useTestDatabase('uncommitted');

  it('after the file ends, its locks are still held and the application waits', async () => {
    await db.current.query('CREATE TABLE users (id int)');
    const session = await db.current.connect();
    await session.query('BEGIN');
    await session.query('ALTER TABLE users ADD COLUMN bio text');
    const app = await timed(db.current.url, 'SELECT count(*) FROM users', { setup: ["SET lock_timeout = '300ms'"] });
    expect(app.error?.code).toBe('55P03');
    await session.query('ROLLBACK');
  });
});
