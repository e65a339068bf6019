/** `pgsafe run` end to end: the built CLI against real PostgreSQL, with concurrent sessions holding locks and an
 *  application session measuring what it waits for. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { columnsOf, holdLock, seedRows, steadyQueries, useTestDatabase, waitUntilWaitingOnLock } from '../harness/index.js';
import { assertCliBuilt, pgsafe, writeIn } from '../harness/pgsafe-cli.js';

const db = useTestDatabase('run_cli');
let dir: string;
const write = (name: string, sql: string) => writeIn(dir, name, sql);

const columns = (table: string) => columnsOf(db.current, table);

beforeAll(() => {
  assertCliBuilt();
  dir = mkdtempSync(join(tmpdir(), 'pgsafe-run-'));
});

beforeEach(async () => {
  await db.current.query('DROP TABLE IF EXISTS accounts CASCADE');
  await db.current.query('CREATE TABLE accounts (id int PRIMARY KEY, email text NOT NULL)');
  await seedRows(db.current, 'accounts', 50_000, { id: 'i', email: "'user' || i || '@example.com'" });
});

describe('pgsafe run', () => {
  it('--dry-run checks and prints the plan without a database', async () => {
    const file = write('dry.sql', 'ALTER TABLE accounts ADD COLUMN plan text;\nCREATE INDEX CONCURRENTLY accounts_plan_idx ON accounts (plan);\n');
    const r = await pgsafe(['run', file, '--dry-run', '--lock-timeout', '750ms', '--pg-version', '15']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Plan for ${file}: 2 steps (PostgreSQL 15)`);
    expect(r.stdout).toContain('Step 2/2 · CREATE INDEX CONCURRENTLY, autocommit · line 2');
    expect(r.stdout).toContain("SET LOCAL lock_timeout = '750ms';");
    expect(await columns('accounts')).toEqual(['id', 'email']);
  });

  it('keeps the application under lock_timeout while a long transaction holds the table, retries, and completes', async () => {
    const file = write('add-column.sql', 'ALTER TABLE accounts ADD COLUMN verified boolean;\n');
    const blocker = await holdLock(db.current.url, ['SELECT count(*) FROM accounts'], 'nightly-report');
    const app = await steadyQueries(db.current.url, () => `SELECT email FROM accounts WHERE id = ${1 + Math.floor(Math.random() * 50_000)}`, { pauseMs: 5 });
    const running = pgsafe(['run', file, '--database-url', db.current.url, '--lock-timeout', '300ms', '--preflight', 'off', '--format', 'json']);
    // Released 2 s after the ALTER first waits behind the reader, however long the CLI took to start.
    await waitUntilWaitingOnLock(db.current.url, (s) => /ALTER TABLE accounts ADD COLUMN (IF NOT EXISTS )?verified/.test(s.query), 30_000);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await blocker.release();
    const r = await running;
    const seen = await app.stop();

    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; [k: string]: unknown });
    expect(lines[0]!.type).toBe('plan');
    expect(lines.at(-1)).toMatchObject({ type: 'result', result: { status: 'completed' } });
    const retries = lines.filter((l) => l.type === 'retry') as unknown as { blockers: { pid: number; applicationName: string }[] }[];
    expect(retries.length).toBeGreaterThanOrEqual(2);
    expect(retries[0]!.blockers).toContainEqual(expect.objectContaining({ pid: blocker.pid, applicationName: 'nightly-report' }));
    expect(seen.errors).toEqual([]);
    expect(seen.max).toBeLessThan(300 + 150);
    expect(await columns('accounts')).toEqual(['id', 'email', 'verified']);
  });

  it('waits in pre-flight for an idle-in-transaction session instead of queueing (pretty output, one line per event)', async () => {
    const file = write('preflight.sql', 'ALTER TABLE accounts ADD COLUMN nickname text;\n');
    const blocker = await holdLock(db.current.url, ['SELECT email FROM accounts WHERE id = 1'], 'forgotten-console');
    await new Promise((r) => setTimeout(r, 300));
    const running = pgsafe(['run', file], { env: { DATABASE_URL: db.current.url } });
    // Released 1.2 s after pgsafe connects, however long the CLI took to start: by then its pre-flight is waiting.
    for (let i = 0; i < 3000; i++) {
      const { rows } = await db.current.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'pgsafe'`);
      if (rows.length > 0) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    await new Promise((r) => setTimeout(r, 1200));
    await blocker.release();
    const r = await running;
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`step 1: pre-flight: waiting for pid ${blocker.pid} \\(idle in transaction for [\\d.]+m?s, transaction [\\d.]+m?s, holds ACCESS SHARE on accounts, app "forgotten-console"\\)`));
    expect(r.stdout).toMatch(/step 1: pre-flight: blocking sessions gone after/);
    expect(r.stdout).toMatch(/completed: 1\/1 steps committed in .* \(waited .* for blocking sessions\)/);
    expect(r.stdout).not.toContain('\u001b[');
  });

  it('judges a size-dependent danger by the live table: let through when empty, a warning with the size below run.largeTableRows', async () => {
    await db.current.query('CREATE TABLE IF NOT EXISTS signups (id int PRIMARY KEY, email text)');
    const empty = write('signups-index.sql', 'CREATE INDEX signups_email_idx ON signups (email);\n');
    const passed = await pgsafe(['run', empty, '--database-url', db.current.url]);
    expect(passed.code, passed.stdout + passed.stderr).toBe(0);
    expect(passed.stdout).toContain(`${empty}:1:1 let through [require-concurrent-index-creation] signups has 0 rows (exact count)`);
    const small = write('small-index.sql', 'CREATE INDEX accounts_email_idx ON accounts (email);\n');
    const warned = await pgsafe(['run', small, '--database-url', db.current.url]);
    expect(warned.code, warned.stdout + warned.stderr).toBe(0);
    expect(warned.stdout).toMatch(/warning\[require-concurrent-index-creation\] .* \(accounts has .*50,000 rows .*: below the large-table threshold of 100,000 rows \(run.largeTableRows\), so a warning\)/);
    await db.current.query('DROP TABLE signups');
  });

  it('refuses error-level findings unless each is allowed by rule id', async () => {
    const file = write('plain-index.sql', 'CREATE INDEX accounts_email_idx ON accounts (email);\n');
    // accounts (50,000 rows) counts as large here.
    const config = write('pgsafe.config.json', JSON.stringify({ run: { largeTableRows: 10_000 } }));
    const refused = await pgsafe(['run', file, '--database-url', db.current.url, '--config', config]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(`${file}:1:1 error[require-concurrent-index-creation]`);
    // Counted up to the threshold when never analyzed, the planner's estimate once autovacuum analyzed it.
    expect(refused.stdout).toMatch(/live: accounts has (more than 10,000|~5\d,\d{3}) rows \((counted up to there; never analyzed|estimate, pg_class\.reltuples)\): at or above the large-table/);
    expect(refused.stdout).toContain('refused: 1 error-level finding (require-concurrent-index-creation)');
    const { rows } = await db.current.query(`SELECT 1 FROM pg_class WHERE relname = 'accounts_email_idx'`);
    expect(rows).toHaveLength(0);

    const allowed = await pgsafe(['run', file, '--database-url', db.current.url, '--config', config, '--allow', 'require-concurrent-index-creation']);
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain('error[require-concurrent-index-creation] (allowed by --allow)');
    expect((await db.current.query(`SELECT 1 FROM pg_class WHERE relname = 'accounts_email_idx'`)).rows).toHaveLength(1);
  });

  it('exits 1 on a failed step, points at the statement, and applies nothing of its transaction', async () => {
    const file = write('fails.sql', "ALTER TABLE accounts ADD COLUMN score int;\nUPDATE accounts\n   SET score = 'high';\n");
    const r = await pgsafe(['run', file, '--database-url', db.current.url, '--allow', 'backfill-in-schema-migration']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`FAILED at step 1: ${file.replace(/[.]/g, '\\.')}:3:16: invalid input syntax for type integer: "high" \\[22P02\\]`));
    expect(r.stdout).toContain('nothing was applied.');
    expect(await columns('accounts')).toEqual(['id', 'email']);
  });

  it('exits 2 with host and port, never the password, when the database is unreachable', async () => {
    const file = write('unreachable.sql', 'ALTER TABLE accounts ADD COLUMN x int;\n');
    const r = await pgsafe(['run', file], { env: { DATABASE_URL: 'postgres://deploy:Sup3rS3cret@127.0.0.1:1/prod' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot connect to PostgreSQL at deploy@127.0.0.1:1/prod: connection refused');
    expect(r.stderr + r.stdout).not.toContain('Sup3rS3cret');
  });

  it('exits 2 on usage and parse errors', async () => {
    const bad = write('bad.sql', 'ALTER TABLE accounts ADDD COLUMN x int;\n');
    const parse = await pgsafe(['run', bad, '--dry-run']);
    expect(parse.code).toBe(2);
    expect(parse.stderr).toContain(`${bad}:1:22: error: syntax error at or near "ADDD"`);
    expect((await pgsafe(['run', bad])).code).toBe(2); // no database given
    expect((await pgsafe(['run', bad, '--dry-run', '--lock-timeout', 'soon'])).code).toBe(2);
    expect((await pgsafe(['run', bad, '--dry-run', '--allow', 'no-such-rule'])).stderr).toContain('unknown rule id no-such-rule');
  });

  it('refuses (exit 1) a migration that cannot run as written', async () => {
    const file = write('in-block.sql', 'BEGIN;\nCREATE INDEX CONCURRENTLY accounts_e ON accounts (email);\nCOMMIT;\n');
    const r = await pgsafe(['run', file, '--database-url', db.current.url, '--allow', 'ban-concurrent-index-creation-in-transaction']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}:2:1: error: CREATE INDEX CONCURRENTLY cannot run inside a transaction block`);
  });
});
