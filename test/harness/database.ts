/** A fresh database per test file (or per test), dropped afterwards with every session it handed out. */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, inject } from 'vitest';
import { withDatabase } from './server-url.js';

/** The admin URL of the test server (from the global setup, or TEST_DATABASE_URL outside vitest's inject). */
export function adminUrl(): string {
  let url: string | undefined;
  try {
    url = inject('pgsafeAdminUrl');
  } catch {
    // not inside a vitest worker
  }
  url ??= process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('No test database: run through vitest (global setup) or set TEST_DATABASE_URL');
  return url;
}

export interface TestDatabase {
  name: string;
  url: string;
  /** A new connected session on this database; closed by drop(). */
  connect(options?: { applicationName?: string }): Promise<pg.Client>;
  /** One query on a shared session. */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<pg.QueryResult<R>>;
  drop(): Promise<void>;
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(label = 'db'): Promise<TestDatabase> {
  const safe = label.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 30);
  const name = `pgsafe_t_${safe}_${randomBytes(5).toString('hex')}`;
  await adminQuery(`CREATE DATABASE "${name}"`);
  const url = withDatabase(adminUrl(), name);
  const clients = new Set<pg.Client>();
  let shared: pg.Client | undefined;

  const connect = async (options: { applicationName?: string } = {}) => {
    const client = new pg.Client({ connectionString: url, application_name: options.applicationName ?? 'pgsafe-test' });
    // A killed session (pg_terminate_backend in a test) must not crash the worker.
    client.on('error', () => {});
    await client.connect();
    clients.add(client);
    return client;
  };

  return {
    name,
    url,
    connect,
    async query(sql, params) {
      shared ??= await connect({ applicationName: 'pgsafe-test-shared' });
      return shared.query(sql, params);
    },
    async drop() {
      await Promise.all([...clients].map((c) => c.end().catch(() => {})));
      clients.clear();
      shared = undefined;
      await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

/** Vitest hook: a fresh database for the file (default) or for each test. Read `.current` inside tests. */
export function useTestDatabase(label?: string, options: { each?: boolean } = {}): { readonly current: TestDatabase } {
  let db: TestDatabase | undefined;
  const holder = {
    get current(): TestDatabase {
      if (!db) throw new Error('useTestDatabase(): the database exists only inside tests and hooks');
      return db;
    },
  };
  const [before, after] = options.each ? [beforeEach, afterEach] : [beforeAll, afterAll];
  before(async () => {
    db = await createTestDatabase(label);
  });
  after(async () => {
    await db?.drop();
    db = undefined;
  });
  return holder;
}
