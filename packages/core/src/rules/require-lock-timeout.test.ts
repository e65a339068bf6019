import { beforeAll, describe, expect, it } from 'vitest';
import { seedRows, useTestDatabase } from '@pgsafe/testing';
import { rendered, ruleFindings } from '../testing/rule-kit.js';
import { lockQueueScenario, recipeStatements } from '../testing/e2e.js';

const ID = 'require-lock-timeout';

describe(ID, () => {
  it('reports once per migration, at the first statement that would queue traffic', async () => {
    const sql = `ALTER TABLE users ADD COLUMN bio text;\nCREATE INDEX users_bio_idx ON users (bio);\nALTER TABLE orders RENAME COLUMN total TO amount;`;
    const findings = await ruleFindings(ID, sql);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'error', start: { line: 1, column: 1 } });
    expect(findings[0]!.message).toContain('and 2 later statements');
    expect(await rendered(ID, sql)).toMatchSnapshot();
  });

  it('recommends SET LOCAL inside a transaction block', async () => {
    const sql = `BEGIN;\nALTER TABLE users ADD COLUMN bio text;\nCOMMIT;`;
    const [finding] = await ruleFindings(ID, sql);
    expect(finding!.recipe.sql).toBe(`SET LOCAL lock_timeout = '2s';`);
    expect(await rendered(ID, sql)).toMatchSnapshot();
  });

  it('accepts a migration that sets lock_timeout once at the top', async () => {
    const sql = `SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN bio text;\nCREATE INDEX users_bio_idx ON users (bio);\nALTER TABLE orders DROP COLUMN note;`;
    expect(await ruleFindings(ID, sql)).toEqual([]);
  });

  it('flags statements after the timeout was disabled or reset', async () => {
    expect(await ruleFindings(ID, `SET lock_timeout = 0;\nALTER TABLE users ADD COLUMN bio text;`)).toHaveLength(1);
    expect(await ruleFindings(ID, `SET lock_timeout = '1s';\nRESET lock_timeout;\nALTER TABLE users ADD COLUMN bio text;`)).toHaveLength(1);
    expect(await ruleFindings(ID, `SET lock_timeout = '1s';\nRESET ALL;\nALTER TABLE users ADD COLUMN bio text;`)).toHaveLength(1);
  });

  it('treats a lock_timeout longer than 10 s as no protection, naming it', async () => {
    const [finding, ...rest] = await ruleFindings(ID, `SET lock_timeout = '1h';\nALTER TABLE users ADD COLUMN bio text;\nALTER TABLE orders DROP COLUMN note;`);
    expect(rest).toEqual([]);
    expect(finding!.message).toMatch(/^lock_timeout 1h \(set by the migration\) is too long for this ACCESS EXCLUSIVE lock on users \(and 1 later statement\)/);
    expect(await ruleFindings(ID, `SET lock_timeout = '10s';\nALTER TABLE users ADD COLUMN bio text;`)).toEqual([]);
    expect(await ruleFindings(ID, `SET lock_timeout = 30000;\nALTER TABLE users ADD COLUMN bio text;`)).toHaveLength(1);
  });

  it('knows SET LOCAL ends with its transaction and does nothing outside one', async () => {
    const afterCommit = await ruleFindings(ID, `BEGIN;\nSET LOCAL lock_timeout = '1s';\nALTER TABLE users ADD COLUMN a text;\nCOMMIT;\nALTER TABLE users ADD COLUMN b text;`);
    expect(afterCommit.map((f) => f.start.line)).toEqual([5]);
    expect(await ruleFindings(ID, `SET LOCAL lock_timeout = '1s';\nALTER TABLE users ADD COLUMN a text;`)).toHaveLength(1);
  });

  it('does not flag work on a table created earlier in the same migration', async () => {
    const sql = `CREATE TABLE audit (id bigint PRIMARY KEY, at timestamptz);\nALTER TABLE audit ADD COLUMN who text;\nCREATE INDEX audit_at_idx ON audit (at);`;
    expect(await ruleFindings(ID, sql)).toEqual([]);
  });

  it('does not flag locks that let traffic through, nor runs where the runner sets timeouts', async () => {
    expect(await ruleFindings(ID, `CREATE INDEX CONCURRENTLY users_bio_idx ON users (bio);`)).toEqual([]);
    expect(await ruleFindings(ID, `ALTER TABLE users VALIDATE CONSTRAINT users_bio_check;`)).toEqual([]);
    expect(await ruleFindings(ID, `ALTER TABLE users ADD COLUMN bio text;`, { runnerSetsTimeouts: true })).toEqual([]);
  });

  it('flags the referenced table of a new table\'s foreign key', async () => {
    const [finding] = await ruleFindings(ID, `CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));`);
    expect(finding!.lock).toMatchObject({ mode: 'SHARE ROW EXCLUSIVE', table: 'users' });
  });
});

describe(`${ID} on PostgreSQL`, () => {
  const db = useTestDatabase('lock_timeout');

  beforeAll(async () => {
    await db.current.query('CREATE TABLE users (id bigint PRIMARY KEY, name text)');
    await seedRows(db.current, 'users', 1000, { id: 'i', name: "'user ' || i" });
  });

  it('without lock_timeout, a waiting ALTER stalls the application for as long as the blocking transaction', async () => {
    const { app, migrationError } = await lockQueueScenario(db.current, {
      table: 'users',
      statements: ['ALTER TABLE users ADD COLUMN bio text'],
      appSql: 'SELECT count(*) FROM users',
      blockerMs: 800,
    });
    expect(migrationError).toBeUndefined();
    expect(app.error).toBeUndefined();
    expect(app.ms).toBeGreaterThanOrEqual(700);
  });

  it("with the recipe's lock_timeout the ALTER gives up quickly and the application barely waits", async () => {
    const [finding] = await ruleFindings(ID, 'ALTER TABLE users ADD COLUMN bio2 text;');
    const recipe = (await recipeStatements(finding!)).map((s) => s.replace("'2s'", "'200ms'"));
    const { app, migrationError } = await lockQueueScenario(db.current, {
      table: 'users',
      statements: [...recipe, 'ALTER TABLE users ADD COLUMN bio2 text'],
      appSql: 'SELECT count(*) FROM users',
      blockerMs: 800,
    });
    expect(migrationError?.code).toBe('55P03');
    expect(app.error).toBeUndefined();
    expect(app.ms).toBeLessThan(500);
  });
});
