/** Vitest global setup: one temporary directory per test run, set as TMPDIR for the run and every process it starts
 *  (workers, CLIs under test, ORM commands, scratch servers), and removed with everything in it when the run ends.
 *  Test files create their projects, servers and fixtures under os.tmpdir() and need no cleanup of their own to
 *  leave /tmp as they found it; a run killed before its teardown is swept by the next run. */
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

const prefix = 'pgsafe-test-run-';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A PostgreSQL server still running from `dir` (a killed run can leave one behind): its files must stay. */
function holdsLiveServer(dir: string): boolean {
  for (const entry of readdirSync(dir)) {
    try {
      if (alive(Number(readFileSync(join(dir, entry, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]))) return true;
    } catch {
      // not a server dir
    }
  }
  return false;
}

/** Removes the run dirs of runs whose process is gone (the dir name carries its pid). */
function sweepAbandoned(root: string): void {
  for (const entry of readdirSync(root)) {
    const pid = entry.startsWith(prefix) ? Number(entry.slice(prefix.length).split('-')[0]) : NaN;
    if (!pid || alive(pid)) continue;
    const dir = join(root, entry);
    if (!holdsLiveServer(dir)) rmSync(dir, { recursive: true, force: true });
  }
}

export default function setup(): () => void {
  // Each project of the run loads its own copy of this module: the first makes the dir, and the last teardown
  // (after the project that runs the server has stopped it) removes it.
  const users = Number(process.env.PGSAFE_TEST_TMPDIR_USERS ?? 0);
  process.env.PGSAFE_TEST_TMPDIR_USERS = String(users + 1);
  if (!users) {
    const system = tmpdir();
    sweepAbandoned(system);
    const dir = mkdtempSync(join(system, `${prefix}${process.pid}-`));
    // As root, the servers that tests start run as the `postgres` OS user, which must reach their dirs.
    chmodSync(dir, 0o755);
    process.env.PGSAFE_TEST_TMPDIR_SYSTEM = system;
    process.env.PGSAFE_TEST_TMPDIR = dir;
    process.env.TMPDIR = dir;
  }
  return () => {
    const left = Number(process.env.PGSAFE_TEST_TMPDIR_USERS) - 1;
    process.env.PGSAFE_TEST_TMPDIR_USERS = String(left);
    const dir = process.env.PGSAFE_TEST_TMPDIR;
    if (left || !dir || !basename(dir).startsWith(prefix)) return;
    rmSync(dir, { recursive: true, force: true });
    process.env.TMPDIR = process.env.PGSAFE_TEST_TMPDIR_SYSTEM;
    delete process.env.PGSAFE_TEST_TMPDIR;
  };
}
