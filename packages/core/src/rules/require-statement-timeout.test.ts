import { beforeAll, describe, expect, it } from 'vitest';
import { seedRows, timed, useTestDatabase, type TestDatabase } from '@pgsafe/testing';
import { rendered, ruleFindings } from '../testing/rule-kit.js';
import { recipeStatements } from '../testing/e2e.js';

const ID = 'require-statement-timeout';
const RETYPE = 'ALTER TABLE users ALTER COLUMN id TYPE bigint;';

describe(ID, () => {
  it('warns once per migration, at the first statement that rewrites or scans an existing table', async () => {
    const sql = `ALTER TABLE users ADD COLUMN bio text;\n${RETYPE}\nCREATE INDEX users_name_idx ON users (name);`;
    const findings = await ruleFindings(ID, sql);
    expect(findings.map((f) => [f.severity, f.start.line])).toEqual([['warning', 2]]);
    expect(findings[0]!.message).toContain('which rewrites users under ACCESS EXCLUSIVE (and 1 later statement)');
    expect(await rendered(ID, sql)).toMatchSnapshot();
  });

  it('recommends SET LOCAL inside a transaction block', async () => {
    const [finding] = await ruleFindings(ID, `BEGIN;\nALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0);\nCOMMIT;`);
    expect(finding!.message).toContain('which scans orders under ACCESS EXCLUSIVE');
    expect(finding!.recipe.sql).toBe(`SET LOCAL statement_timeout = '5s';`);
  });

  it('knows the statements whose work grows with the table', async () => {
    const flagged = [
      'CREATE UNIQUE INDEX users_email_key ON users (email);',
      'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
      'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);',
      'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);',
      'ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();',
      'ALTER TABLE users ADD COLUMN n bigint GENERATED ALWAYS AS IDENTITY;',
      'ALTER TABLE users ADD COLUMN age int CHECK (age >= 0);',
      'ALTER TABLE users SET LOGGED;',
      'VACUUM FULL users;',
      'CLUSTER users USING users_pkey;',
      'REINDEX TABLE users;',
    ];
    for (const sql of flagged) expect(await ruleFindings(ID, sql), sql).toHaveLength(1);
  });

  it('does not flag catalog-only changes, even under ACCESS EXCLUSIVE (unlike squawk)', async () => {
    const instant = [
      'ALTER TABLE users ADD COLUMN bio text;',
      "ALTER TABLE users ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();",
      'ALTER TABLE users DROP COLUMN bio;',
      'ALTER TABLE users RENAME COLUMN name TO full_name;',
      'ALTER TABLE users ADD CONSTRAINT users_age_check CHECK (age >= 0) NOT VALID;',
      'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_idx;',
      'ALTER TABLE users ADD COLUMN org_id bigint REFERENCES orgs (id);',
      'CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));',
      'CREATE INDEX CONCURRENTLY users_name_idx ON users (name);',
      'ALTER TABLE users ADD COLUMN v varchar(50);\nALTER TABLE users ALTER COLUMN v TYPE varchar(100);',
    ];
    for (const sql of instant) expect(await ruleFindings(ID, sql), sql).toEqual([]);
  });

  it('accepts a migration that sets statement_timeout first, runner-set timeouts, and new tables', async () => {
    expect(await ruleFindings(ID, `SET statement_timeout = '5s';\n${RETYPE}`)).toEqual([]);
    expect(await ruleFindings(ID, `BEGIN;\nSET LOCAL statement_timeout = '5s';\n${RETYPE}\nCOMMIT;`)).toEqual([]);
    expect(await ruleFindings(ID, RETYPE, { runnerSetsTimeouts: true })).toEqual([]);
    expect(await ruleFindings(ID, `CREATE TABLE users (id int);\n${RETYPE}\nCREATE INDEX u_idx ON users (id);`)).toEqual([]);
  });

  it('flags it again once the timeout is disabled, reset, or its transaction is over', async () => {
    expect(await ruleFindings(ID, `SET statement_timeout = 0;\n${RETYPE}`)).toHaveLength(1);
    expect(await ruleFindings(ID, `SET statement_timeout = '5s';\nRESET statement_timeout;\n${RETYPE}`)).toHaveLength(1);
    const after = await ruleFindings(ID, `BEGIN;\nSET LOCAL statement_timeout = '5s';\n${RETYPE}\nCOMMIT;\nVACUUM FULL users;`);
    expect(after.map((f) => f.start.line)).toEqual([5]);
  });
});

describe(`${ID} on PostgreSQL`, () => {
  const db = useTestDatabase('statement_timeout');

  beforeAll(async () => {
    await db.current.query('CREATE TABLE users (id int PRIMARY KEY, name text)');
    await seedRows(db.current, 'users', 300_000, { id: 'i', name: "'user ' || i" });
  });

  /** Runs the migration's statements on their own session; once the last one holds its lock on users, the
   *  application looks up one user. Then `end` (e.g. ROLLBACK) ends the migration's transaction. Returns how long the
   *  application waited and how long the last statement ran. */
  async function readDuring(database: TestDatabase, statements: string[], end?: string) {
    const session = await database.connect({ applicationName: 'pgsafe-test-migration' });
    try {
      for (const sql of statements.slice(0, -1)) await session.query(sql);
      const started = performance.now();
      let over = false;
      const migration = session
        .query(statements.at(-1)!)
        .then(
          () => ({ ms: performance.now() - started, error: undefined }),
          (error: Error & { code?: string }) => ({ ms: performance.now() - started, error }),
        )
        .finally(() => (over = true));
      while (!over && !(await database.query(`SELECT 1 FROM pg_locks WHERE relation = 'users'::regclass AND mode = 'AccessExclusiveLock' AND granted`)).rowCount) {
        await new Promise((r) => setTimeout(r, 2));
      }
      const app = timed(database.url, 'SELECT name FROM users WHERE id = 1');
      const done = await migration;
      if (end) await session.query(end);
      return { app: await app, migration: done };
    } finally {
      await session.end();
    }
  }

  it('without statement_timeout the application waits for the whole rewrite; with the recipe, only until the timeout', async () => {
    // The rewrite's own duration on this machine, rolled back: the application waits for all of it.
    const unbounded = await readDuring(db.current, ['BEGIN', RETYPE], 'ROLLBACK');
    expect(unbounded.migration.error).toBeUndefined();
    expect(unbounded.migration.ms).toBeGreaterThan(100);
    expect(unbounded.app.ms).toBeGreaterThan(unbounded.migration.ms * 0.8);

    const [finding] = await ruleFindings(ID, RETYPE);
    const [setTimeout] = await recipeStatements(finding!);
    const limit = Math.round(unbounded.migration.ms / 4);
    const bounded = await readDuring(db.current, [setTimeout!.replace("'5s'", `'${limit}ms'`), RETYPE]);
    expect(bounded.migration.error).toMatchObject({ code: '57014' }); // canceling statement due to statement timeout
    expect(bounded.app.error).toBeUndefined();
    // Cut at a quarter of the rewrite; three quarters leaves room for a loaded machine's scheduling (half failed once).
    expect(bounded.app.ms).toBeLessThan(unbounded.migration.ms * 0.75);
    const { rows } = await db.current.query(`SELECT format_type(atttypid, NULL) AS t FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname = 'id'`);
    expect(rows).toEqual([{ t: 'integer' }]); // rolled back
  });
});
