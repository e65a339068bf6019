/** Finding a pg_dump that can dump the source server, and running it without putting the password on the
 *  command line. */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { redactConnectionString, redactSecret } from '../execute/redact.js';

const run = promisify(execFile);

export class PgDumpError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PgDumpError';
  }
}

export interface PgDumpBinary {
  path: string;
  major: number;
  version: string;
}

/** pg_dump binaries on this machine: the given path, $PGSAFE_PG_DUMP, /usr/lib/postgresql/<major>/bin (Debian,
 *  Ubuntu), /usr/pgsql-<major>/bin (RHEL), then pg_dump on PATH. */
export async function findPgDumps(explicit?: string): Promise<PgDumpBinary[]> {
  const candidates: string[] = [];
  if (explicit) candidates.push(explicit);
  else {
    if (process.env.PGSAFE_PG_DUMP) candidates.push(process.env.PGSAFE_PG_DUMP);
    for (const root of ['/usr/lib/postgresql', '/usr/local/lib/postgresql']) {
      if (existsSync(root)) for (const v of readdirSync(root)) candidates.push(join(root, v, 'bin', 'pg_dump'));
    }
    if (existsSync('/usr')) for (const d of readdirSync('/usr').filter((d) => d.startsWith('pgsql-'))) candidates.push(join('/usr', d, 'bin', 'pg_dump'));
    for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) candidates.push(join(dir, 'pg_dump'));
  }
  const found: PgDumpBinary[] = [];
  const seen = new Set<string>();
  for (const path of candidates) {
    if (seen.has(path) || !existsSync(path)) continue;
    seen.add(path);
    try {
      const { stdout } = await run(path, ['--version'], { timeout: 10_000 });
      const m = /(\d+)(?:\.(\d+))?/.exec(stdout.replace(/^[^)]*\)/, ''));
      if (m) found.push({ path, major: Number(m[1]), version: stdout.trim().replace(/^pg_dump \(PostgreSQL\) /, '') });
    } catch {
      // not runnable: skip
    }
  }
  if (explicit && found.length === 0) throw new PgDumpError(`--pg-dump ${explicit}: not a runnable pg_dump`);
  return found;
}

/** pg_dump refuses servers newer than itself; an older server is fine. The same major is best (its output
 *  restores into that major), else the oldest newer one. */
export function choosePgDump(found: PgDumpBinary[], serverMajor: number): PgDumpBinary {
  const usable = found.filter((b) => b.major >= serverMajor).sort((a, b) => a.major - b.major);
  const pick = usable[0];
  if (!pick) {
    const have = found.length ? found.map((b) => `${b.path} (${b.version})`).join(', ') : 'none';
    throw new PgDumpError(
      `the source server is PostgreSQL ${serverMajor}, and pg_dump cannot dump a server newer than itself; pg_dump found: ${have}. Install the PostgreSQL ${serverMajor} client tools (e.g. apt install postgresql-client-${serverMajor}) or give --pg-dump <path>.`,
    );
  }
  return pick;
}

/** Runs pg_dump on `url` with `args`; the password goes through PGPASSWORD, never argv. Errors are redacted. */
export async function pgDump(binary: PgDumpBinary, url: string, args: string[]): Promise<string> {
  let password: string | undefined;
  let target = url;
  try {
    const u = new URL(url);
    password = u.password ? decodeURIComponent(u.password) : undefined;
    u.password = '';
    target = u.toString();
  } catch {
    // a keyword/value connection string: passed as is
  }
  try {
    const { stdout } = await run(binary.path, [...args, '--no-password', `--dbname=${target}`], {
      env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}), PGCONNECT_TIMEOUT: '10' },
      maxBuffer: 256 * 1024 * 1024,
      timeout: 120_000,
    });
    return stdout;
  } catch (error) {
    const e = error as Error & { stderr?: string };
    const reason = redactSecret(redactConnectionString((e.stderr || e.message).trim()), password);
    throw new PgDumpError(`pg_dump (${binary.path}, ${binary.version}) failed: ${reason}`);
  }
}

/** Drops psql meta-commands (`\restrict`, `\connect`, ...) that a server cannot run. */
export function withoutMetaCommands(sql: string): string {
  return sql
    .split('\n')
    .filter((l) => !l.startsWith('\\'))
    .join('\n');
}
