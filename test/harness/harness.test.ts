import pg from 'pg';
import { describe, expect, it } from 'vitest';
import {
  adminUrl,
  blockedSessions,
  createTestDatabase,
  holdLock,
  seedRows,
  serverMajor,
  serverVersionNum,
  setApplicationName,
  timed,
  useTestDatabase,
  waitUntilWaitingOnLock,
} from './index.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const accessExclusive = (table: string) => [`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`];

describe('test databases', () => {
  const db = useTestDatabase('harness');

  it('creates a fresh, empty database with a valid unique name', async () => {
    expect(db.current.name).toMatch(/^pgsafe_t_harness_[0-9a-f]{10}$/);
    const { rows } = await db.current.query<{ n: number; db: string }>(
      `SELECT count(*)::int AS n, current_database() AS db FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
        WHERE s.nspname NOT IN ('pg_catalog', 'information_schema') AND s.nspname NOT LIKE 'pg_toast%'`,
    );
    expect(rows[0]).toEqual({ n: 0, db: db.current.name });
  });

  it('keeps a long label within the 63-byte identifier limit', async () => {
    const other = await createTestDatabase('A label with spaces, Ünicode and far more than thirty characters');
    try {
      expect(Buffer.byteLength(other.name)).toBeLessThanOrEqual(63);
      expect((await other.query<{ db: string }>('SELECT current_database() AS db')).rows[0]!.db).toBe(other.name);
    } finally {
      await other.drop();
    }
  });

  it('isolates two test databases from each other', async () => {
    const other = await createTestDatabase('other');
    try {
      expect(other.name).not.toBe(db.current.name);
      await db.current.query('CREATE TABLE only_here (id int)');
      await other.query('CREATE TABLE only_there (id int)');
      const tables = async (d: { query: typeof db.current.query }) =>
        (await d.query<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)).rows.map((r) => r.t);
      expect(await tables(db.current)).toEqual(['only_here']);
      expect(await tables(other)).toEqual(['only_there']);
    } finally {
      await other.drop();
    }
  });

  it('seeds rows with generate_series from a client or a URL', async () => {
    await db.current.query('CREATE TABLE seeded (id int PRIMARY KEY, name text, flag bool DEFAULT true)');
    await seedRows(db.current, 'seeded', 1000, { id: 'i', name: "'item ' || i" });
    await seedRows(db.current.url, 'seeded', 10, "1000 + i, 'more', false");
    await seedRows(db.current.url, 'seeded', 5, '2000 + i');
    const { rows } = await db.current.query(
      'SELECT count(*)::int AS n, max(id) AS max, count(name)::int AS named, count(*) FILTER (WHERE flag)::int AS flagged FROM seeded',
    );
    expect(rows[0]).toEqual({ n: 1015, max: 2005, named: 1010, flagged: 1005 });
    await expect(seedRows(db.current, 'seeded', 1.5)).rejects.toThrow(/non-negative integer/);
  });

  it('reports the server version as a number and a major', async () => {
    const { rows } = await db.current.query<{ v: string }>("SELECT current_setting('server_version') AS v");
    const [major, minor] = rows[0]!.v.split(/[.\s]/).map(Number);
    const num = await serverVersionNum(db.current.url);
    expect(num).toBe(major! * 10000 + minor!);
    expect(await serverMajor()).toBe(major);
    expect(major).toBeGreaterThanOrEqual(13);
  });
});

describe('a database per test', () => {
  const db = useTestDatabase('each', { each: true });
  const seen: string[] = [];

  it.each([1, 2])('test %i starts from an empty database of its own', async () => {
    seen.push(db.current.name);
    expect((await db.current.query(`SELECT to_regclass('left_behind') AS t`)).rows[0]).toEqual({ t: null });
    await db.current.query('CREATE TABLE left_behind (id int)');
    expect(new Set(seen).size).toBe(seen.length);
  });
});

describe('what the application experiences behind a held lock', () => {
  const db = useTestDatabase('locks');
  const holdMs = 600;

  it('a SELECT waits for as long as ACCESS EXCLUSIVE is held, and pg_blocking_pids names the holder', async () => {
    await db.current.query('CREATE TABLE items (id int PRIMARY KEY, name text)');
    await seedRows(db.current, 'items', 1000, { id: 'i', name: "'item ' || i" });
    const migration = await holdLock(db.current.url, accessExclusive('items'), 'test-migration');
    try {
      const app = timed(db.current.url, 'SELECT count(*)::int AS n FROM items', { applicationName: 'app-reader' });
      const waiting = await waitUntilWaitingOnLock(db.current.url, 'app-reader');
      expect(waiting.blockedBy).toEqual([migration.pid]);
      expect(waiting.waitEvent).toBe('relation');
      expect((await blockedSessions(db.current.url)).map((s) => s.applicationName)).toEqual(['app-reader']);
      await sleep(holdMs);
      await migration.release();
      const waited = await app;
      expect(waited.error).toBeUndefined();
      expect(waited.result!.rows[0]).toEqual({ n: 1000 });
      expect(waited.ms).toBeGreaterThanOrEqual(holdMs - 20);
      expect(waited.ms).toBeLessThan(holdMs + 1000);
    } finally {
      await migration.release('rollback');
    }
    expect(await blockedSessions(db.current.url)).toEqual([]);
  });

  it("with lock_timeout = '200ms' the application gives up in under a second with SQLSTATE 55P03", async () => {
    await db.current.query('CREATE TABLE IF NOT EXISTS items2 (id int)');
    const migration = await holdLock(db.current.url, accessExclusive('items2'));
    try {
      const impatient = await timed(db.current.url, 'SELECT count(*) FROM items2', { setup: ["SET lock_timeout = '200ms'"] });
      expect(impatient.error?.code).toBe('55P03');
      expect(impatient.ms).toBeGreaterThanOrEqual(180);
      expect(impatient.ms).toBeLessThan(1000);
    } finally {
      await migration.release('rollback');
    }
  });

  it('finds a session by pid or predicate after setApplicationName, and times out when nobody waits', async () => {
    await db.current.query('CREATE TABLE IF NOT EXISTS items3 (id int)');
    const migration = await holdLock(db.current.url, accessExclusive('items3'));
    const app = await db.current.connect();
    try {
      await setApplicationName(app, 'renamed-app');
      const pid = (await app.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      const pending = app.query('SELECT * FROM items3');
      expect((await waitUntilWaitingOnLock(db.current.url, pid)).applicationName).toBe('renamed-app');
      expect((await waitUntilWaitingOnLock(db.current.url, (s) => s.query.includes('items3'))).pid).toBe(pid);
      await migration.release();
      await pending;
    } finally {
      await migration.release('rollback');
      await app.end();
    }
    await expect(waitUntilWaitingOnLock(db.current.url, 'nobody', 100)).rejects.toThrow(/"nobody" waited on a lock within 100 ms/);
  });

  it('a failing statement in holdLock rejects and closes its session', async () => {
    await expect(holdLock(db.current.url, ['SELECT * FROM no_such_table'], 'doomed-blocker')).rejects.toMatchObject({ code: '42P01' });
    const { rows } = await db.current.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = 'doomed-blocker'`);
    expect(rows).toEqual([]);
  });
});

describe('dropping a test database', () => {
  it('terminates leftover sessions, including one queued behind a lock and one the harness never saw', async () => {
    const scratch = await createTestDatabase('scratch');
    const outsider = new pg.Client({ connectionString: scratch.url, application_name: 'outsider' });
    // pg emits 'error' twice here (the termination, then the closed socket); an unheard one would crash the worker.
    const outsiderGone = new Promise<Error>((resolve) => outsider.on('error', resolve));
    try {
      await scratch.query('CREATE TABLE t (id int)');
      await outsider.connect();
      const forgotten = await holdLock(scratch.url, accessExclusive('t'));
      const queued = timed(scratch.url, 'SELECT * FROM t', { applicationName: 'queued-app' });
      await waitUntilWaitingOnLock(scratch.url, 'queued-app');
      const tracked = await scratch.connect();

      const started = performance.now();
      await scratch.drop();
      expect(performance.now() - started).toBeLessThan(5000);

      expect((await queued).error).toBeDefined();
      await forgotten.release('rollback');
      expect((await outsiderGone).message).toMatch(/terminat/);
      await expect(tracked.query('SELECT 1')).rejects.toThrow();
      const admin = new pg.Client({ connectionString: adminUrl() });
      await admin.connect();
      try {
        const { rows } = await admin.query(
          'SELECT (SELECT count(*) FROM pg_database WHERE datname = $1)::int AS dbs, (SELECT count(*) FROM pg_stat_activity WHERE datname = $1)::int AS sessions',
          [scratch.name],
        );
        expect(rows[0]).toEqual({ dbs: 0, sessions: 0 });
      } finally {
        await admin.end();
      }
    } finally {
      await scratch.drop(); // a no-op after the first, so safe whatever failed above
      await outsider.end().catch(() => {});
    }
  });
});
