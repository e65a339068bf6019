/** `pgsafe run` under faults, end to end: the built CLI killed (SIGKILL) or stopped (SIGTERM) mid-build, a failed run
 *  resumed, two runs at once. Each test checks what the database holds afterwards and what pgsafe said. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { holdLock, seedRows, useTestDatabase, waitUntilWaitingOnLock } from '../harness/index.js';
import { assertCliBuilt, PGSAFE_BIN, pgsafe } from '../harness/pgsafe-cli.js';

const db = useTestDatabase('run_faults');
let dir: string;

beforeAll(() => {
  assertCliBuilt();
  dir = mkdtempSync(join(tmpdir(), 'pgsafe-faults-'));
});

beforeEach(async () => {
  await db.current.query('DROP SCHEMA IF EXISTS pgsafe CASCADE');
  await db.current.query('DROP TABLE IF EXISTS accounts CASCADE');
  await db.current.query('CREATE TABLE accounts (id int PRIMARY KEY, email text NOT NULL, credits int NOT NULL DEFAULT 0)');
  await seedRows(db.current, 'accounts', 20_000, { id: 'i', email: "'user' || i || '@example.com'", credits: '0' });
});

/** A migration file in the test's folder; pgsafe runs with that folder as its cwd, so the journal names it `name`. */
const write = (name: string, sql: string) => writeFileSync(join(dir, name), sql);
const run = (args: string[]) => pgsafe(['run', ...args, '--database-url', db.current.url], { cwd: dir });

/** The CLI as a child process we can signal. */
function start(args: string[]): { child: ChildProcess; done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, [PGSAFE_BIN, 'run', ...args, '--database-url', db.current.url, '--no-color'], { cwd: dir });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

async function indexState(name: string): Promise<'valid' | 'invalid' | 'missing'> {
  const { rows } = await db.current.query<{ valid: boolean }>('SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = to_regclass($1)', [name]);
  return rows[0] ? (rows[0].valid ? 'valid' : 'invalid') : 'missing';
}
const credits = async () => (await db.current.query<{ total: string }>('SELECT sum(credits)::text AS total FROM accounts')).rows[0]!.total;
const journal = async () => (await db.current.query('SELECT name, steps_total, steps_committed, status FROM pgsafe.migration_runs ORDER BY name')).rows;

// The app writer's uncommitted insert makes a concurrent build wait (for older writers) without blocking the UPDATE;
// it is rolled back at the end.
const MIGRATION = 'UPDATE accounts SET credits = credits + 1;\nCREATE INDEX CONCURRENTLY accounts_email_idx ON accounts (email);\nALTER TABLE accounts ADD COLUMN plan text;\n';

describe('pgsafe run under faults', () => {
  it('killed (SIGKILL) during CREATE INDEX CONCURRENTLY, then run again at once: resumes, rebuilds the index VALID, applies the UPDATE once', async () => {
    write('kill.sql', MIGRATION);
    const writer = await holdLock(db.current.url, ["INSERT INTO accounts (id, email) VALUES (100001, 'writer')"], 'app-writer');
    const first = start(['kill.sql']);
    await waitUntilWaitingOnLock(db.current.url, (s) => /CREATE INDEX CONCURRENTLY/.test(s.query), 30_000);
    first.child.kill('SIGKILL');
    await first.done;
    expect(await indexState('accounts_email_idx')).toBe('invalid');

    const again = run(['kill.sql']);
    // The writer commits once the rerun is under way (its cleanup and build wait for the writer's transaction).
    await new Promise((r) => setTimeout(r, 1500));
    await writer.release('rollback');
    const r = await again;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/resuming kill\.sql: step 1 of 3 was committed by the run at/);
    // Its orphaned build was cancelled (it held the run lock) or had already ended: either way its INVALID index is
    // dropped and built again, never skipped by IF NOT EXISTS.
    expect(r.stdout).toMatch(/step 2: dropped INVALID index public\.accounts_email_idx/);
    expect(r.stdout).toMatch(/completed: 2\/3 steps committed in .* \(step 1 applied by an earlier run\)\n$/);
    expect(await indexState('accounts_email_idx')).toBe('valid');
    expect(await credits()).toBe('20000');
    expect(await journal()).toEqual([{ name: 'kill.sql', steps_total: 3, steps_committed: 3, status: 'completed' }]);
  });

  it('SIGTERM is handled like Ctrl-C: the build is cancelled, its INVALID index dropped, the output says what is applied; exit 143', async () => {
    write('term.sql', MIGRATION);
    const writer = await holdLock(db.current.url, ["INSERT INTO accounts (id, email) VALUES (100002, 'writer')"], 'app-writer');
    const running = start(['term.sql']);
    await waitUntilWaitingOnLock(db.current.url, (s) => /CREATE INDEX CONCURRENTLY/.test(s.query), 30_000);
    running.child.kill('SIGTERM');
    // The DROP of the INVALID index waits for the writer too.
    await new Promise((r) => setTimeout(r, 500));
    await writer.release('rollback');
    const r = await running.done;
    expect(r.code).toBe(143);
    expect(r.stderr).toContain('pgsafe: got SIGTERM: cancelling the running statement, rolling back and cleaning up');
    expect(r.stderr).toContain('pgsafe: stopped by SIGTERM: 1 of 3 steps are applied');
    expect(r.stdout).toContain('step 2: dropped INVALID index public.accounts_email_idx');
    expect(r.stdout).toContain('applied: step 1 of 3; not applied: steps 2-3.');
    expect(r.stdout).toContain('it resumes at step 2');
    expect(await indexState('accounts_email_idx')).toBe('missing');
    expect(await credits()).toBe('20000');
    expect(await journal()).toEqual([{ name: 'term.sql', steps_total: 3, steps_committed: 1, status: 'failed' }]);
    const left = await db.current.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'CREATE INDEX CONCURRENTLY%'`);
    expect(left.rows).toEqual([]);
  });

  it('a failed run resumes at its first uncommitted step; a changed file is refused; --restart starts over', async () => {
    const sql = (n: number) => `BEGIN;\nUPDATE accounts SET credits = credits + ${n};\nCOMMIT;\nBEGIN;\nALTER TABLE accounts ADD COLUMN plan_id bigint REFERENCES plans (id);\nCOMMIT;\n`;
    write('resume.sql', sql(1));
    const failed = await run(['resume.sql', '--allow', 'adding-foreign-key-constraint']);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('FAILED at step 2: resume.sql:5:1: relation "plans" does not exist [42P01]');
    expect(failed.stdout).toContain('applied: step 1 of 2; not applied: step 2.');
    expect(failed.stdout).toContain('to continue: fix the cause and run the same command again: it resumes at step 2 (recorded in pgsafe.migration_runs as "resume.sql"; --restart starts over).');
    expect(await credits()).toBe('20000');

    await db.current.query('CREATE TABLE plans (id int PRIMARY KEY)');
    const resumed = await run(['resume.sql', '--allow', 'adding-foreign-key-constraint']);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain('resuming resume.sql: step 1 of 2 was committed by the run at');
    expect(resumed.stdout).toContain('(which failed: relation "plans" does not exist)');
    expect(await credits()).toBe('20000');

    const again = await run(['resume.sql', '--allow', 'adding-foreign-key-constraint']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already applied: all 2 steps were committed by an earlier run; nothing was run (--restart runs it again)');
    expect(await credits()).toBe('20000');

    write('resume.sql', sql(5));
    const changed = await run(['resume.sql', '--allow', 'adding-foreign-key-constraint']);
    expect(changed.code).toBe(1);
    expect(changed.stdout).toMatch(/FAILED: resume\.sql changed since it was completed at .*: nothing was run\. .* or run with --restart/);
    expect(await credits()).toBe('20000');

    const restarted = await run(['resume.sql', '--allow', 'adding-foreign-key-constraint', '--restart']);
    expect(restarted.code).toBe(0);
    expect(restarted.stdout).toContain('completed: 2/2 steps committed');
    expect(await credits()).toBe('120000');
  });

  it('two runs at once: the second gives up after --lock-wait naming the first, and applied nothing', async () => {
    write('first.sql', MIGRATION);
    write('second.sql', 'UPDATE accounts SET credits = credits + 100;\n');
    const writer = await holdLock(db.current.url, ["INSERT INTO accounts (id, email) VALUES (100003, 'writer')"], 'app-writer');
    const first = start(['first.sql']);
    const { pid } = await waitUntilWaitingOnLock(db.current.url, (s) => /CREATE INDEX CONCURRENTLY/.test(s.query), 30_000);
    const second = await run(['second.sql', '--lock-wait', '500ms']);
    await writer.release('rollback');
    const r = await first.done;
    expect(second.code).toBe(1);
    expect(second.stdout).toContain(`waiting for another run to finish (it holds this database's run lock): pid ${pid} (active`);
    expect(second.stdout).toMatch(/FAILED: another run holds this database's run lock \(pid \d+ .*app "pgsafe".*\): gave up after .* \(--lock-wait 500ms\); nothing was run/);
    expect(r.code).toBe(0);
    expect(await credits()).toBe('20000');
    expect(await indexState('accounts_email_idx')).toBe('valid');
  });

  it('without the privilege to create its journal the run goes on, saying that it cannot be resumed', async () => {
    write('nojournal.sql', 'CREATE TABLE notes (id int PRIMARY KEY);\n');
    const url = new URL(db.current.url);
    const role = `pgsafe_nojournal_${process.pid}`;
    // May create tables in public, not schemas in the database.
    await db.current.query(`CREATE ROLE ${role} LOGIN PASSWORD 'nojournal-pw'`);
    await db.current.query(`GRANT CREATE, USAGE ON SCHEMA public TO ${role}`);
    try {
      url.username = role;
      url.password = 'nojournal-pw';
      const r = await pgsafe(['run', 'nojournal.sql', '--database-url', url.toString(), '--no-color'], { cwd: dir });
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/warning: no run journal \(permission denied for database [^)]+\): if this run fails, a rerun cannot know which steps committed/);
      expect(r.stdout).toContain('completed: 1/1 steps committed');
      expect((await db.current.query("SELECT 1 FROM pg_namespace WHERE nspname = 'pgsafe'")).rows).toEqual([]);
      expect((await db.current.query("SELECT to_regclass('public.notes')::text AS t")).rows).toEqual([{ t: 'notes' }]);
    } finally {
      await db.current.query(`DROP TABLE IF EXISTS notes; REVOKE ALL ON SCHEMA public FROM ${role}; DROP ROLE ${role}`);
    }
  });

  it('never prints a password: keyword/value strings and URLs with stray spaces run, an invalid URL is a usage error', async () => {
    write('pw.sql', 'ALTER TABLE accounts ADD COLUMN nickname text;\n');
    const url = new URL(db.current.url);
    const secret = 'Sup3r-Secret-pw';
    // A role of its own with that password: the machine's server trusts local connections, the embedded one checks
    // passwords; either way the password is really used, and must appear nowhere.
    const role = `pgsafe_pw_${process.pid}`;
    await db.current.query(`CREATE ROLE ${role} LOGIN SUPERUSER PASSWORD '${secret}'`);
    try {
      const keywordValue = `host=${url.hostname} port=${url.port} user=${role} password='${secret}' dbname=${url.pathname.slice(1)}`;
      const withSecret = `  postgres://${role}:${secret}@${url.host}${url.pathname}  `;
      const a = await pgsafe(['run', 'pw.sql', '--database-url', keywordValue, '--format', 'json'], { cwd: dir });
      expect(a.code).toBe(0);
      expect(a.stdout).toContain(`"target":"${role}@${url.hostname}:${url.port}/${url.pathname.slice(1)}"`);
      const b = await pgsafe(['run', 'pw.sql', '--restart'], { cwd: dir, env: { DATABASE_URL: withSecret } });
      expect(b.code).toBe(0);
      const bad = await pgsafe(['run', 'pw.sql', '--database-url', `postgres://app:${secret}@127.0.0.1:notaport/x`], { cwd: dir });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toBe('error: --database-url: invalid connection URL postgres://app:***@127.0.0.1:notaport/x: Invalid URL\n');
      for (const r of [a, b, bad]) expect(r.stdout + r.stderr).not.toContain(secret);
    } finally {
      await db.current.query(`REASSIGN OWNED BY ${role} TO CURRENT_USER; DROP OWNED BY ${role}; DROP ROLE ${role}`);
    }
  });
});
