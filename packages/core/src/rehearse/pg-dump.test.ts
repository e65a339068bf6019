/** Choosing a pg_dump for the source server's major version, and the real pg_dump binaries of this machine. */
import { execFileSync } from 'node:child_process';
import { normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { choosePgDump, findPgDumps, PgDumpError, withoutMetaCommands, type PgDumpBinary } from './pg-dump.js';

const bin = (major: number): PgDumpBinary => ({ path: `/usr/lib/postgresql/${major}/bin/pg_dump`, major, version: `${major}.1` });

describe('choosePgDump', () => {
  it('takes the same major as the server', () => {
    expect(choosePgDump([bin(17), bin(15), bin(16)], 16).major).toBe(16);
  });

  it('else the oldest newer one (pg_dump dumps older servers)', () => {
    expect(choosePgDump([bin(18), bin(17), bin(14)], 15).major).toBe(17);
  });

  it('refuses when every pg_dump is older than the server, naming what it found and what to install', () => {
    expect(() => choosePgDump([bin(15)], 18)).toThrow(PgDumpError);
    expect(() => choosePgDump([bin(15)], 18)).toThrow(
      'the source server is PostgreSQL 18, and pg_dump cannot dump a server newer than itself; pg_dump found: /usr/lib/postgresql/15/bin/pg_dump (15.1). Install the PostgreSQL 18 client tools (e.g. apt install postgresql-client-18) or give --pg-dump <path>.',
    );
    expect(() => choosePgDump([], 16)).toThrow('pg_dump found: none.');
  });
});

describe('findPgDumps', () => {
  it('finds the pg_dump binaries installed here (none on some machines), with their major version', async () => {
    // Listed independently by the shell: every executable pg_dump where findPgDumps looks, with the major it reports.
    const script = 'for f in "$PGSAFE_PG_DUMP" /usr/lib/postgresql/*/bin/pg_dump /usr/local/lib/postgresql/*/bin/pg_dump /usr/pgsql-*/bin/pg_dump; do [ -x "$f" ] && echo "$f"; done; IFS=:; for d in $PATH; do [ -n "$d" ] && [ -x "$d/pg_dump" ] && echo "$d/pg_dump"; done; true';
    const listed = [...new Set(execFileSync('sh', ['-c', script], { encoding: 'utf8' }).split('\n').filter(Boolean).map((p) => normalize(p)))];
    const installed = listed.map((path) => ({ path, major: Number(/\) (\d+)/.exec(execFileSync(path, ['--version'], { encoding: 'utf8' }))![1]) }));
    const found = await findPgDumps();
    const byPath = (a: { path: string }, b: { path: string }) => a.path.localeCompare(b.path);
    expect(found.map((b) => ({ path: b.path, major: b.major })).sort(byPath)).toEqual(installed.sort(byPath));
    for (const b of found) expect(b.version).toMatch(new RegExp(`^${b.major}\\.`));
  });

  it('an explicit path that is not a pg_dump is an error', async () => {
    await expect(findPgDumps('/nonexistent/pg_dump')).rejects.toThrow('--pg-dump /nonexistent/pg_dump: not a runnable pg_dump');
  });
});

it('withoutMetaCommands drops psql meta-commands such as \\restrict', () => {
  expect(withoutMetaCommands('\\restrict abc\nCREATE TABLE t (id int);\n\\unrestrict abc\n')).toBe('CREATE TABLE t (id int);\n');
});
