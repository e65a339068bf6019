/** `pgsafe check --database-url`, `trace` and `rehearse` end to end: the built CLI against real PostgreSQL with
 *  rows in the tables. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findPgDumps } from '@pgsafe/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { columnsOf, seedRows, useTestDatabase, type Queryable } from '../harness/index.js';
import { adminUrl } from '../harness/admin-url.js';
import { startEmbedded } from '../harness/embedded.js';
import { startRehearseSource, type RehearseSource } from '../harness/rehearse-source.js';
import { assertCliBuilt, pgsafe, writeIn } from '../harness/pgsafe-cli.js';

const db = useTestDatabase('live_cli');
let dir: string;
const write = (name: string, sql: string) => writeIn(dir, name, sql);

/** The test database's URL with a password that must never be printed. */
const withPassword = (url: string, password: string) => {
  const u = new URL(url);
  u.password = password;
  return u.toString();
};

/** users (3,000 rows, 30 NULL names, 10 duplicate emails) and orders (10,000 rows, user_id indexed). */
async function seedUsersAndOrders(target: Queryable): Promise<void> {
  const q = (sql: string) => target.query(sql);
  await q('CREATE TABLE users (id int PRIMARY KEY, email text, name text)');
  await seedRows(target, 'users', 3000, { id: 'i', email: "'u' || (i % 2990) || '@example.com'", name: "CASE WHEN i % 100 = 0 THEN NULL ELSE 'n' || i END" });
  await q('CREATE TABLE orders (id int PRIMARY KEY, user_id int, amount int)');
  await seedRows(target, 'orders', 10000, { id: 'i', user_id: '1 + i % 3000', amount: 'i % 100' });
  await q('CREATE INDEX orders_user_id_idx ON orders (user_id)');
  await q('ANALYZE');
}

beforeAll(async () => {
  assertCliBuilt();
  dir = mkdtempSync(join(tmpdir(), 'pgsafe-live-'));
  await seedUsersAndOrders(db.current);
});

describe('pgsafe check --database-url', () => {
  it('attaches live facts, drops the disproved finding, flags the statements that fail on the data, exits 1', async () => {
    const file = write('check/001.sql', 'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\nALTER TABLE users ALTER COLUMN name SET NOT NULL;\n');
    const r = await pgsafe(['check', file, '--database-url', db.current.url, '--no-color']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('| live: orders: 10,000 rows, ');
    expect(r.stdout).toContain('| live: 30 NULL values in users.name (exact count): SET NOT NULL will fail until they are filled');
    expect(r.stdout).toContain(`${file}:2:1 error[live-data-violation] This statement fails on the live data: 30 NULL values in users.name (exact count).`);
    expect(r.stdout).not.toContain('warning[foreign-key-missing-index]');
    expect(r.stdout).toContain(`Live database: PostgreSQL `);
    expect(r.stdout).toContain(`  dropped ${file}:1:24 [foreign-key-missing-index]: orders (user_id) is already indexed in the live database by orders_user_id_idx`);
  });

  it('--format json carries the facts on each finding and the dropped findings', async () => {
    const file = write('check/002.sql', 'CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);\n');
    const r = await pgsafe(['check', file, '--database-url', db.current.url, '--format', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { findings: { rule: string; live?: { kind: string; data: Record<string, unknown> }[] }[]; live: { dropped: unknown[]; target: string; server: string; pgVersion: number } };
    const violation = report.findings.find((f) => f.rule === 'live-data-violation');
    expect(violation?.live?.find((f) => f.kind === 'duplicates')?.data).toMatchObject({ duplicateKeys: 10, duplicateRows: 20 });
    expect(violation?.live?.find((f) => f.kind === 'collation')?.data.columns).toEqual([expect.objectContaining({ column: 'email', collation: 'default' })]);
    expect(report.live.dropped).toEqual([]);
    // Without --pg-version the rules follow the live server's major version.
    expect(report.live.pgVersion).toBe(Number(/^(\d+)/.exec(report.live.server)![1]));
    expect(report.live.target).toBe(`postgres@${new URL(db.current.url).host}/${db.current.name}`);
  });

  it('--format markdown and github carry the facts and the dropped findings', async () => {
    const file = write('check/007.sql', 'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\nALTER TABLE users ALTER COLUMN name SET NOT NULL;\n');
    const md = await pgsafe(['check', file, '--database-url', db.current.url, '--format', 'markdown']);
    expect(md.code).toBe(1);
    expect(md.stdout).toContain('- **Live:** 30 NULL values in users.name (exact count): SET NOT NULL will fail until they are filled');
    expect(md.stdout).toContain(`- Dropped \`${file}:1\` \`foreign-key-missing-index\`: orders (user_id) is already indexed in the live database by orders_user_id_idx`);
    const gh = await pgsafe(['check', file, '--database-url', db.current.url, '--format', 'github']);
    expect(gh.stdout).toContain('%0ALive: 30 NULL values in users.name (exact count): SET NOT NULL will fail until they are filled');
  });

  it('exits 0 on a clean migration with no data problems', async () => {
    const file = write('check/003.sql', "SET lock_timeout = '1s';\nSET statement_timeout = '5s';\nALTER TABLE orders ADD CONSTRAINT orders_amount_ok CHECK (amount >= 0) NOT VALID;\n");
    const r = await pgsafe(['check', file, '--database-url', db.current.url, '--no-color']);
    expect(r.stdout).toContain(`  ${file}:3: 0 rows of orders violate CHECK orders_amount_ok (amount >= 0) (exact count)`);
    expect(r.code).toBe(0);
  });

  it('without the privilege to read a table: the static findings stand, with a warning that its facts are missing', async () => {
    const role = `pgsafe_noread_${process.pid}`;
    // The embedded server checks passwords (a TEST_DATABASE_URL server may trust): the role gets one.
    await db.current.query(`CREATE ROLE ${role} LOGIN PASSWORD 'noread-pw'`);
    try {
      const file = write('check/006.sql', 'ALTER TABLE users ALTER COLUMN name SET NOT NULL;\n');
      const url = new URL(db.current.url);
      url.username = role;
      url.password = 'noread-pw';
      const r = await pgsafe(['check', file, '--database-url', url.toString(), '--no-color']);
      expect(r.stderr).toBe(`pgsafe: warning: ${file}: no live facts: permission denied for table users\n`);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('error[adding-not-nullable-field]');
      expect(r.stdout).not.toContain('| live:');
    } finally {
      await db.current.query(`DROP ROLE ${role}`);
    }
  });

  it('an unreachable database is a clear error with the password redacted, exit 2', async () => {
    const file = write('check/004.sql', 'ALTER TABLE users ADD COLUMN x int;\n');
    const r = await pgsafe(['check', file, '--database-url', 'postgres://app:s3cr3t-pw@127.0.0.1:1/prod']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^pgsafe: error: cannot connect to PostgreSQL at app@127\.0\.0\.1:1\/prod: connection refused/);
    expect(r.stderr).not.toContain('s3cr3t-pw');
  });

  it('a wrong password is reported without the password', async () => {
    // The user set through URL: the embedded server's URL has a password, so a text replace would hit it instead.
    const url = new URL(withPassword(db.current.url, 'hunter2-secret'));
    url.username = 'nobody_here';
    const r = await pgsafe(['check', write('check/005.sql', 'SELECT 1;\n'), '--database-url', url.toString()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('pgsafe: error: cannot connect to PostgreSQL at nobody_here@');
    expect(r.stderr).not.toContain('hunter2-secret');
  });
});

describe('pgsafe trace', () => {
  it('with no URL: replays the earlier migrations into an embedded PostgreSQL and traces the file', async () => {
    write('mig/001_init.sql', 'CREATE TABLE accounts (id int PRIMARY KEY, email varchar(50));\nINSERT INTO accounts SELECT i, i::text FROM generate_series(1, 500) i;\nCREATE INDEX CONCURRENTLY accounts_email_idx ON accounts (email);\n');
    const file = write('mig/002_change.sql', 'ALTER TABLE accounts ALTER COLUMN id TYPE bigint;\nALTER TABLE accounts ALTER COLUMN email TYPE varchar(100);\nCREATE INDEX CONCURRENTLY accounts_id_email_idx ON accounts (id, email);\n');
    write('mig/003_later.sql', 'DROP TABLE accounts;\n');
    const r = await pgsafe(['trace', file, '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      where: string;
      rolledBack: boolean;
      statements: { status: string; rewrites: { relation: string }[]; locks: { relation: string; pgMode: string }[]; alreadyHeld: { relation: string }[]; tracedAs?: string }[];
    };
    expect(out.where).toBe('embedded scratch database, schema from 1 earlier migration');
    expect(out.rolledBack).toBe(true);
    expect(out.statements.map((s) => s.status)).toEqual(['ok', 'ok', 'ok']);
    expect(out.statements[0]!.rewrites.map((r) => r.relation).sort()).toEqual(['accounts', 'accounts_email_idx', 'accounts_pkey']);
    expect(out.statements[1]!.rewrites).toEqual([]);
    expect(out.statements[2]!.tracedAs).toBe('CREATE INDEX accounts_id_email_idx ON accounts (id, email)');
    // Statement 1 (which rebuilt the indexes) already holds SHARE and ACCESS EXCLUSIVE on accounts: not acquired again.
    expect(out.statements[2]!.locks).toEqual([expect.objectContaining({ relation: 'accounts_id_email_idx', kind: 'index' })]);
    expect(out.statements[2]!.alreadyHeld).toContainEqual(expect.objectContaining({ relation: 'accounts', pgMode: 'AccessExclusiveLock' }));
    expect(out.statements[0]!.locks).toContainEqual(expect.objectContaining({ relation: 'accounts', pgMode: 'AccessExclusiveLock' }));
  });

  it('--database-url: pretty output with the locks and documented modes; nothing is committed', async () => {
    const file = write('trace/001.sql', 'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);\nALTER TABLE users ADD COLUMN country text;\n');
    const r = await pgsafe(['trace', file, '--database-url', db.current.url, '--no-color']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('documented SHARE ROW EXCLUSIVE on orders ✓, SHARE ROW EXCLUSIVE on users ✓');
    expect(r.stdout).toMatch(/locks +users AccessExclusiveLock/);
    expect(r.stdout).toMatch(/blocks +users: all reads and writes of the table/);
    expect(r.stdout).toMatch(/blocks +orders: all writes \(INSERT, UPDATE, DELETE\); reads continue/);
    expect(r.stdout).toContain('2 of 2 statements traced in');
    expect(await columnsOf(db.current, 'users')).toEqual(['id', 'email', 'name']);
    expect((await db.current.query("SELECT count(*)::int AS n FROM pg_constraint WHERE conname = 'orders_user_fk'")).rows[0]?.n).toBe(0);
  });

  it('a statement that fails on the data exits 1 and shows the error', async () => {
    const file = write('trace/002.sql', 'ALTER TABLE users ALTER COLUMN name SET NOT NULL;\n');
    const r = await pgsafe(['trace', file, '--database-url', db.current.url, '--no-color']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('error      column "name" of relation "users" contains null values (SQLSTATE 23502)');
  });

  it('an unreachable database: exit 2, password redacted', async () => {
    const r = await pgsafe(['trace', write('trace/003.sql', 'SELECT 1;\n'), '--database-url', 'postgres://app:s3cr3t-pw@127.0.0.1:1/prod']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('pgsafe: error: cannot connect to PostgreSQL at app@127.0.0.1:1/prod');
    expect(r.stderr).not.toContain('s3cr3t-pw');
  });

  it('an earlier migration that fails to replay is a setup error naming its file and line, exit 2', async () => {
    write('broken/001_init.sql', 'CREATE TABLE a (id int);\nALTER TABLE missing ADD COLUMN x int;\n');
    const file = write('broken/002_next.sql', 'ALTER TABLE a ADD COLUMN y int;\n');
    const r = await pgsafe(['trace', file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`pgsafe: error: replaying ${join(dir, 'broken/001_init.sql')}:2 failed: relation "missing" does not exist\n`);
  });

  it('SQL that does not parse: file:line:column, exit 2', async () => {
    const r = await pgsafe(['trace', write('trace/004.sql', 'ALTER TABLE users ADD COLUMN;\n'), '--database-url', db.current.url, '--no-color']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/trace\/004\.sql:1:\d+: error: syntax error/);
  });

  it('--help documents the simulation of CONCURRENTLY and the exit codes', async () => {
    const r = await pgsafe(['trace', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('CREATE INDEX CONCURRENTLY as CREATE INDEX');
    expect(r.stdout).toContain('Exit codes: 0 every statement ran, 1 a statement failed, 2 usage, parse or connection errors.');
  });
});

describe('pgsafe rehearse', () => {
  // A source server that a pg_dump here can dump (see rehearse-source.ts), seeded like the test database. The scratch
  // server stays the test server, which may be newer than the source.
  let source: RehearseSource;
  beforeAll(async () => {
    source = await startRehearseSource('live_cli_rehearse');
    await seedUsersAndOrders(source.db);
  });
  afterAll(() => source?.stop());

  /** With no pg_dump on this machine, a rehearsal stops at the clear error naming what to install. */
  const expectNoPgDump = (r: { code: number | null; stderr: string }) => {
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`pg_dump found: none. Install the PostgreSQL ${source.major} client tools (e.g. apt install postgresql-client-${source.major})`);
  };

  it('copies the touched tables with sampled rows into a scratch database, traces and runs the migration there', async () => {
    const file = write('rehearse/001.sql', 'ALTER TABLE orders ADD COLUMN note text;\nCREATE INDEX CONCURRENTLY orders_amount_idx ON orders (amount);\n');
    const r = await pgsafe(['rehearse', file, '--from', source.db.url, '--scratch-url', adminUrl(), '--sample-rows', '500', '--format', 'json']);
    if (!source.pgDump) return expectNoPgDump(r);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      tables: { name: string; sourceRows: number; copiedRows: number }[];
      scratch: { database: string };
      trace: { statements: { status: string; locks: { relation: string; pgMode: string }[] }[] };
      execution: { status: string; steps: { status: string; ms: number }[] };
      notes: string[];
    };
    expect(out.tables).toEqual([expect.objectContaining({ name: 'public.orders', sourceRows: 10000, copiedRows: 500 })]);
    expect(out.trace.statements[0]!.locks).toContainEqual(expect.objectContaining({ relation: 'orders', pgMode: 'AccessExclusiveLock' }));
    expect(out.execution.status).toBe('completed');
    expect(out.execution.steps.map((s) => s.status)).toEqual(['committed', 'committed']);
    // The source is untouched and the scratch database is gone (db.current is on the scratch server).
    expect(await columnsOf(source.db, 'orders')).toEqual(['id', 'user_id', 'amount']);
    expect((await db.current.query('SELECT count(*)::int AS n FROM pg_database WHERE datname = $1', [out.scratch.database])).rows[0]?.n).toBe(0);
  });

  it('a migration that fails on the sampled rows exits 1 with the error', async () => {
    const file = write('rehearse/002.sql', 'ALTER TABLE users ALTER COLUMN name SET NOT NULL;\n');
    const r = await pgsafe(['rehearse', file, '--from', source.db.url, '--scratch-url', adminUrl(), '--sample-rows', '1000', '--no-color']);
    if (!source.pgDump) return expectNoPgDump(r);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('public.users: 3,000 rows, ');
    expect(r.stdout).toContain('1,000 copied');
    expect(r.stdout).toContain('Run through the executor: failed');
    expect(r.stdout).toContain('column "name" of relation "users" contains null values');
  });

  it('with no --scratch-url: rehearses on a throwaway embedded PostgreSQL and warns when its major differs', async () => {
    const file = write('rehearse/004.sql', 'ALTER TABLE users ALTER COLUMN id TYPE bigint;\n');
    const r = await pgsafe(['rehearse', file, '--from', withPassword(source.db.url, 'not-printed-pw'), '--no-color']);
    // The source server trusts local connections (see rehearse-source.ts), so the password is not checked; it must
    // still never be printed.
    expect(r.stdout + r.stderr).not.toContain('not-printed-pw');
    if (!source.pgDump) return expectNoPgDump(r);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/scratch +PostgreSQL 18\.\d+ \(embedded, throwaway\)/);
    expect(r.stdout).toMatch(new RegExp(`source +PostgreSQL ${source.major}\\.`));
    if (source.major !== 18) expect(r.stdout).toContain(`warning  the scratch server is PostgreSQL 18 and the source ${source.major}`);
    expect(r.stdout).toMatch(/rewrite +users \(table\), users_pkey \(index\)/);
    expect(r.stdout).toContain('0 copied');
    expect(r.stdout).toMatch(/step 1 \(lines 1-1, transaction\): committed/);
  });

  it('a table using a type of its own needs --whole-schema, and the error says so', async () => {
    await source.db.query("CREATE TYPE mood AS ENUM ('ok', 'sad')");
    await source.db.query("CREATE TABLE feelings (id int PRIMARY KEY, mood mood NOT NULL DEFAULT 'ok')");
    await seedRows(source.db, 'feelings', 100, { id: 'i' });
    const file = write('rehearse/006.sql', "ALTER TYPE mood ADD VALUE 'glad';\nALTER TABLE feelings ADD COLUMN note text;\n");
    const tablesOnly = await pgsafe(['rehearse', file, '--from', source.db.url, '--scratch-url', adminUrl()]);
    if (!source.pgDump) return expectNoPgDump(tablesOnly);
    expect(tablesOnly.code).toBe(2);
    expect(tablesOnly.stderr).toContain('pgsafe: error: restoring the schema dump into the scratch database failed: type "public.mood" does not exist');
    expect(tablesOnly.stderr).toContain('try --whole-schema');
    const whole = await pgsafe(['rehearse', file, '--from', source.db.url, '--scratch-url', adminUrl(), '--whole-schema', '--sample-rows', '50', '--format', 'json']);
    expect(whole.stderr).toBe('');
    expect(whole.code).toBe(0);
    const out = JSON.parse(whole.stdout) as { tables: { name: string; copiedRows: number }[]; execution: { status: string } };
    expect(out.tables).toEqual([expect.objectContaining({ name: 'public.feelings', copiedRows: 50 })]);
    expect(out.execution.status).toBe('completed');
  });

  it('an unreachable source: exit 2, password redacted; --help gives the exit codes', async () => {
    const r = await pgsafe(['rehearse', write('rehearse/005.sql', 'ALTER TABLE t ADD COLUMN x int;\n'), '--from', 'postgres://app:s3cr3t-pw@127.0.0.1:1/prod', '--scratch-url', adminUrl()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('pgsafe: error: the source database: cannot connect to PostgreSQL at app@127.0.0.1:1/prod: connection refused');
    expect(r.stderr).not.toContain('s3cr3t-pw');
    const help = await pgsafe(['rehearse', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Exit codes: 0 the migration ran, 1 it failed in the scratch database, 2 usage, parse, connection or pg_dump errors.');
    const missing = await pgsafe(['rehearse', 'x.sql']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("error: required option '--from <url>' not specified");
  });

  it('a source newer than every pg_dump here is a clear error, exit 2', async () => {
    // The oldest pg_dump here against the embedded PostgreSQL 18; with no pg_dump, the search finds none.
    const pgDump = (await findPgDumps()).sort((a, b) => a.major - b.major)[0];
    const server = await startEmbedded();
    try {
      const major = Number(/^(\d+)/.exec(server.version)![1]);
      if (pgDump && pgDump.major >= major) throw new Error(`this test needs a pg_dump older than PostgreSQL ${major}; the oldest here is ${pgDump.path} (${pgDump.version})`);
      const file = write('rehearse/003.sql', 'ALTER TABLE t ADD COLUMN x int;\n');
      const r = await pgsafe(['rehearse', file, '--from', server.url, '--scratch-url', adminUrl(), ...(pgDump ? ['--pg-dump', pgDump.path] : [])]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        `pgsafe: error: the source server is PostgreSQL ${major}, and pg_dump cannot dump a server newer than itself; pg_dump found: ${pgDump ? `${pgDump.path} (${pgDump.version})` : 'none'}.`,
      );
      expect(r.stderr).toContain(`apt install postgresql-client-${major}`);
      expect(r.stderr).not.toContain(':postgres@');
    } finally {
      await server.stop();
    }
  }, 120_000);
});
