/** Input that used to pass silently: each is now a clear error naming the file (exit 2), or a warning. */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../harness/index.js';
import { assertCliBuilt, PGSAFE_BIN, pgsafe, writeIn } from '../harness/pgsafe-cli.js';

const db = useTestDatabase('input_faults');
let dir: string;
beforeAll(() => {
  assertCliBuilt();
  dir = mkdtempSync(join(tmpdir(), 'pgsafe-input-'));
});

/** The CLI as a user who may not read what the test locks: the suites run as root, who reads everything, so as root
 *  it runs as `nobody` (node's spawn drops root's groups with it); as anybody else, as that user. */
function pgsafeUnprivileged(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const root = process.getuid?.() === 0;
  const id = (flag: string) => Number(spawnSync('id', [flag, 'nobody'], { encoding: 'utf8' }).stdout.trim());
  const r = spawnSync(process.execPath, [PGSAFE_BIN, ...args, '--no-color'], { encoding: 'utf8', ...(root ? { uid: id('-u'), gid: id('-g') } : {}) });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('input that must not pass silently', () => {
  it('an unreadable subdirectory of a checked directory, or an unreadable migration, is an error naming it (exit 2), not a file left out', () => {
    // A tree the unprivileged user can walk, with one folder and one file it may not read.
    const tree = mkdtempSync(join(tmpdir(), 'pgsafe-unreadable-'));
    chmodSync(tree, 0o755);
    writeIn(tree, '001_ok.sql', 'ALTER TABLE a ADD COLUMN b int;\n');
    writeIn(tree, 'locked/002_drop.sql', 'DROP TABLE users;\n');
    const secret = writeIn(tree, '003_secret.sql', 'DROP TABLE orders;\n');
    chmodSync(join(tree, 'locked'), 0o000);
    chmodSync(secret, 0o000);
    try {
      const dir = pgsafeUnprivileged(['check', tree]);
      expect(dir.stderr).toBe(`error: cannot read directory ${join(tree, 'locked')}: permission denied (its migrations would go unchecked)\n`);
      expect(dir.code).toBe(2);
      expect(dir.stdout).toBe('');
      const file = pgsafeUnprivileged(['run', secret, '--dry-run']);
      expect(file.stderr).toBe(`pgsafe: error: cannot read ${secret}: EACCES: permission denied, open '${secret}'\n`);
      expect(file.code).toBe(2);
    } finally {
      chmodSync(join(tree, 'locked'), 0o755);
    }
  });

  it('a NUL byte is a parse error at its place, not the end of the file', async () => {
    const file = writeIn(dir, 'nul/001.sql', 'ALTER TABLE a ADD COLUMN b int;\0\nDROP TABLE users;\n');
    const r = await pgsafe(['check', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:1:32: error: NUL byte (\\0) in the file: it is not text, or is corrupt; nothing after it would be checked`);
  });

  it('a dangling *.sql symlink in a checked directory is an error naming it', async () => {
    writeIn(dir, 'links/001.sql', 'SELECT 1;\n');
    symlinkSync(join(dir, 'links/gone.sql.target'), join(dir, 'links/002.sql'));
    const r = await pgsafe(['check', join(dir, 'links')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(dir, 'links', '002.sql')} is a symbolic link to a file that does not exist (the migration would go unchecked)`);
  });

  it('a 50 MB file is refused with its name and size, without reading it', async () => {
    const file = join(dir, 'big.sql');
    writeFileSync(file, `SELECT 1;\n${' '.repeat(50 * 1024 * 1024)}`);
    for (const args of [['check', file], ['run', file, '--dry-run']]) {
      const r = await pgsafe(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${file} is 50.0 MB, more than pgsafe reads as one migration (16 MB)`);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
  });

  it('`check dir | head -1`: the reader leaving ends the output quietly', async () => {
    for (let i = 1; i <= 200; i++) writeIn(dir, `many/${String(i).padStart(3, '0')}.sql`, `ALTER TABLE t${i} ADD COLUMN c int NOT NULL DEFAULT random();\n`);
    const child = spawn(process.execPath, [PGSAFE_BIN, 'check', join(dir, 'many'), '--no-color']);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Like `head -1`: read the first chunk, then close the pipe.
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(stderr).not.toContain('EPIPE');
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(code === 0 || code === 1).toBe(true);
  });

  it('a config module that never settles, or an absurd duration, is an error naming the config', async () => {
    const project = join(dir, 'stuck');
    writeIn(project, 'pgsafe.config.mjs', 'await new Promise(() => {});\nexport default {};\n');
    writeIn(project, 'm.sql', 'SELECT 1;\n');
    const stuck = await pgsafe(['check', 'm.sql'], { cwd: project });
    expect(stuck.code).toBe(2);
    expect(stuck.stderr).toContain('pgsafe.config.mjs: could not be loaded: it never finished loading');
    const absurd = join(dir, 'absurd');
    writeIn(absurd, 'pgsafe.config.json', '{ "run": { "lockTimeout": "999999999999s" } }\n');
    writeIn(absurd, 'm.sql', 'SELECT 1;\n');
    const r = await pgsafe(['check', 'm.sql'], { cwd: absurd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"run.lockTimeout": invalid duration "999999999999s": longer than PostgreSQL accepts for a timeout');
  });

  it("a migration's own long lock_timeout on a traffic-blocking step is refused like a missing one; allowed, it runs with a warning saying what it risks", async () => {
    await db.current.query('CREATE TABLE IF NOT EXISTS accounts (id int PRIMARY KEY)');
    const file = writeIn(dir, 'lt/001.sql', "SET lock_timeout = '1h';\nALTER TABLE accounts ADD COLUMN note text;\n");
    const refused = await pgsafe(['run', file, '--database-url', db.current.url, '--no-color']);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('error[require-lock-timeout] lock_timeout 1h (set by the migration) is too long for this ACCESS EXCLUSIVE lock on accounts');
    const { rows } = await db.current.query(`SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 'accounts' AND column_name = 'note'`);
    expect(rows).toEqual([{ n: 0 }]);
    const r = await pgsafe(['run', file, '--database-url', db.current.url, '--no-color', '--allow', 'require-lock-timeout']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`warning: step 1 (line 2): the migration sets lock_timeout 1h: while the step waits for its lock on accounts, every query on it waits behind, up to that long (pgsafe's default is 2s; remove the SET to use it)`);
  });
});
