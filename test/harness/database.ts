/** A fresh database per test file (or per test), dropped afterwards with every session opened on it. */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { adminUrl } from './admin-url.js';
import { withDatabase } from './server-url.js';
import { closeSessions, openSession } from './sessions.js';

export interface TestDatabase {
  name: string;
  /** Connection URL of this database, for the code under test and the lock helpers. */
  url: string;
  /** A new session on this database; drop() closes it if the test doesn't. */
  connect(options?: { applicationName?: string }): Promise<pg.Client>;
  /** One query on a session shared by the calls. */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<pg.QueryResult<R>>;
  /** Closes the sessions opened on it (by connect() or the lock helpers), terminates any others, drops it. */
  drop(): Promise<void>;
}

async function adminQuery(server: string, sql: string): Promise<void> {
  const client = await openSession(server, 'pgsafe-test-admin');
  try {
    await client.query(sql);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Creates `pgsafe_t_<label>_<random>`: unique across parallel workers and concurrent runs on one server. `server`
 *  (an admin URL) is the test server unless given, e.g. another major started by the test. */
export async function createTestDatabase(label = 'db', server = adminUrl()): Promise<TestDatabase> {
  // 9 + 30 + 1 + 10 ASCII bytes: well within PostgreSQL's 63-byte identifiers, so the name is never truncated.
  const safe = label.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 30);
  const name = `pgsafe_t_${safe}_${randomBytes(5).toString('hex')}`;
  await adminQuery(server, `CREATE DATABASE "${name}"`);
  const url = withDatabase(server, name);
  let shared: Promise<pg.Client> | undefined;
  let dropped = false;
  const connect = (options: { applicationName?: string } = {}) => openSession(url, options.applicationName ?? 'pgsafe-test');
  return {
    name,
    url,
    connect,
    async query(sql, params) {
      shared ??= connect({ applicationName: 'pgsafe-test-shared' });
      return (await shared).query(sql, params);
    },
    async drop() {
      if (dropped) return;
      dropped = true;
      // A session queued behind a lock closes only when its backend ends, so start closing, then FORCE terminates
      // whatever is left (PostgreSQL 13+), including sessions the test opened by other means.
      const closing = closeSessions(name);
      await adminQuery(server, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await closing;
    },
  };
}

/** Registers vitest hooks: a fresh database for the file (default) or for each test (`{ each: true }`), dropped
 *  after it. Read `.current` inside tests and hooks. */
export function useTestDatabase(label?: string, options: { each?: boolean } = {}): { readonly current: TestDatabase } {
  let db: TestDatabase | undefined;
  const [before, after] = options.each ? [beforeEach, afterEach] : [beforeAll, afterAll];
  before(async () => {
    db = await createTestDatabase(label);
  });
  after(async () => {
    await db?.drop();
    db = undefined;
  });
  return {
    get current(): TestDatabase {
      if (!db) throw new Error('useTestDatabase(): the database exists only inside tests and hooks');
      return db;
    },
  };
}
