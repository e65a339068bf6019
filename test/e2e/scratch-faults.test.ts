/** The scratch servers and databases of `trace` and `rehearse` under faults: the embedded server is private (random
 *  password, owner-only directory), removed on SIGTERM, reaped after a SIGKILL; a signal during
 *  `rehearse --scratch-url` drops the copy. */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reapScratchLeftovers } from '../../packages/cli/src/scratch-server.js';
import { adminUrl } from '../harness/admin-url.js';
import { startEmbedded } from '../harness/embedded.js';
import { seedRows, useTestDatabase } from '../harness/index.js';
import { startRehearseSource, type RehearseSource } from '../harness/rehearse-source.js';
import { assertCliBuilt, PGSAFE_BIN, writeIn } from '../harness/pgsafe-cli.js';

const db = useTestDatabase('scratch_faults');
let dir: string;

beforeAll(() => {
  assertCliBuilt();
  dir = mkdtempSync(join(tmpdir(), 'pgsafe-scratch-faults-'));
});

/** The CLI to its end, with its wall time. */
async function timedRun(args: string[], env: NodeJS.ProcessEnv = {}) {
  const t0 = performance.now();
  const r = await start(args, env).done;
  return { ...r, ms: performance.now() - t0 };
}

function start(args: string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, [PGSAFE_BIN, ...args, '--no-color'], { env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return { child, done: new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr }))) };
}

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('the embedded scratch server', () => {
  it('is private, removed with its data on SIGTERM, and reaped at the next start after a SIGKILL', async () => {
    // Its own TMPDIR, so that only this test's scratch servers are looked at.
    const tmp = mkdtempSync(join(tmpdir(), 'pgsafe-scratch-root-'));
    chmodSync(tmp, 0o755); // as root, the server runs as the postgres OS user, which must pass through
    const file = writeIn(dir, 'embedded/001_slow.sql', 'CREATE TABLE t (id int);\nSELECT pg_sleep(60);\n');
    const running = () => {
      const scratch = readdirSync(tmp).find((n) => n.startsWith('pgsafe-scratch-'));
      if (!scratch) return undefined;
      const pidFile = join(tmp, scratch, 'data', 'postmaster.pid');
      if (!existsSync(pidFile)) return undefined;
      const lines = readFileSync(pidFile, 'utf8').split('\n');
      // Ready once the postmaster has written its port and status lines.
      return lines.length > 7 && /ready/.test(lines[7] ?? '') ? { dir: join(tmp, scratch), pid: Number(lines[0]), port: Number(lines[3]) } : undefined;
    };

    const killed = start(['trace', file], { TMPDIR: tmp });
    const first = await until('the scratch server', running);
    expect(statSync(first.dir).mode & 0o777).toBe(0o700);
    // The well-known password of before is refused: the server has a random one.
    const guess = new pg.Client({ connectionString: `postgres://postgres:postgres@127.0.0.1:${first.port}/postgres` });
    guess.on('error', () => {});
    await expect(guess.connect()).rejects.toMatchObject({ code: '28P01' });
    await guess.end().catch(() => {});
    killed.child.kill('SIGKILL');
    await killed.done;
    expect(alive(first.pid)).toBe(true); // left behind, with whatever it held

    expect(reapScratchLeftovers(tmp)).toEqual([first.dir]);
    await until('the leftover postmaster to end', () => !alive(first.pid), 30_000);
    expect(existsSync(first.dir)).toBe(false);

    const stopped = start(['trace', file], { TMPDIR: tmp });
    const second = await until('the scratch server', running);
    stopped.child.kill('SIGTERM');
    const r = await stopped.done;
    expect(r.code).toBe(143);
    expect(r.stderr).toContain('pgsafe: SIGTERM: the scratch server and its data were removed');
    expect(existsSync(second.dir)).toBe(false);
    await until('the postmaster to end', () => !alive(second.pid), 30_000);
  }, 300_000);
});

describe('rehearse --scratch-url', () => {
  let source: RehearseSource;
  beforeAll(async () => {
    source = await startRehearseSource('scratch_faults_source');
    await source.db.query('CREATE TABLE items (id int PRIMARY KEY, name text)');
    await seedRows(source.db, 'items', 1000, { id: 'i', name: "'n' || i" });
  });
  afterAll(() => source?.stop());

  it('Ctrl-C drops the copy database at once, and says so', async () => {
    if (!source.pgDump) return; // rehearse stops before any copy without a pg_dump (live-cli.test.ts checks that error)
    const file = writeIn(dir, 'rehearse-slow.sql', 'ALTER TABLE items ADD COLUMN note text;\nSELECT pg_sleep(60);\n');
    const copies = async () => (await db.current.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'pgsafe_rehearse_%'")).rows.map((r) => r.datname);
    const before = await copies();
    const running = start(['rehearse', file, '--from', source.db.url, '--scratch-url', adminUrl(), '--sample-rows', '100']);
    // Interrupted while the migration sleeps in the copy (traced or run).
    await until('the rehearsal to reach the sleep', async () => (await db.current.query("SELECT 1 FROM pg_stat_activity WHERE datname LIKE 'pgsafe_rehearse_%' AND query LIKE '%pg_sleep(60)%'")).rows.length > 0);
    running.child.kill('SIGINT');
    const r = await running.done;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('pgsafe: SIGINT: dropping the scratch database');
    expect(r.stderr).toContain('pgsafe: stopped by SIGINT: the scratch database was dropped');
    // Other test files may rehearse on the same server meanwhile: only this rehearsal's copy is looked for.
    expect((await copies()).filter((d) => !before.includes(d))).toEqual([]);
  }, 120_000);
});

describe('rehearse on a scratch server that checks passwords', () => {
  it('a wrong scratch password fails in seconds, naming the server, never showing the password', async () => {
    // A server of the test's own, with password authentication (the machine's test server may trust everybody).
    const server = await startEmbedded();
    try {
      const file = writeIn(dir, 'rehearse-pw.sql', 'ALTER TABLE items ADD COLUMN note text;\n');
      const at = new URL(server.url);
      const secret = 'Wr0ng-Scratch-pw';
      const inUrl = await timedRun(['rehearse', file, '--from', db.current.url, '--scratch-url', `postgres://postgres:${secret}@${at.host}/postgres`]);
      // PGPASSWORD, as the docs advise, and no password at all: the same error.
      const inEnv = await timedRun(['rehearse', file, '--from', db.current.url, '--scratch-url', `postgres://postgres@${at.host}/postgres`], { PGPASSWORD: secret });
      const none = await timedRun(['rehearse', file, '--from', db.current.url, '--scratch-url', `postgres://postgres@${at.host}/postgres`], { PGPASSWORD: '' });
      for (const r of [inUrl, inEnv, none]) {
        expect(r.code).toBe(2);
        expect(r.stdout + r.stderr).not.toContain(secret);
        expect(r.ms).toBeLessThan(30_000);
      }
      expect(inUrl.stderr).toBe(`pgsafe: error: the scratch server: cannot connect to PostgreSQL at postgres@${at.host}/postgres: password authentication failed for user "postgres"\n`);
      expect(inEnv.stderr).toBe(inUrl.stderr);
      expect(none.stderr).toBe(inUrl.stderr.replace('for user "postgres"', '(empty password returned by client)'));
    } finally {
      await server.stop();
    }
  }, 120_000);
});
