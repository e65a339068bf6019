import { describe, expect, it } from 'vitest';
import { createTestDatabase, holdLock, seedRows, timed, useTestDatabase, waitUntilWaitingOnLock } from './index.js';

describe('test harness', () => {
  const db = useTestDatabase('harness');

  it('gives each test file its own empty database', async () => {
    const { rows } = await db.current.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`);
    expect(rows[0]!.n).toBe(0);
    const other = await createTestDatabase('other');
    try {
      await db.current.query('CREATE TABLE only_here (id int)');
      const client = await other.connect();
      const { rows: seen } = await client.query(`SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'only_here'`);
      expect(seen[0]!.n).toBe(0);
    } finally {
      await other.drop();
    }
  });

  it('measures how long a concurrent query waits behind a held lock, and lock_timeout cuts the wait', async () => {
    await db.current.query('CREATE TABLE items (id int PRIMARY KEY, name text)');
    await seedRows(db.current, 'items', 1000, { id: 'i', name: "'item ' || i" });
    const blocker = await holdLock(db.current.url, ['LOCK TABLE items IN ACCESS EXCLUSIVE MODE']);
    const holdMs = 600;
    const app = timed(db.current.url, 'SELECT count(*) FROM items', { applicationName: 'app-reader' });
    await waitUntilWaitingOnLock(db.current.url, 'app-reader');
    await new Promise((r) => setTimeout(r, holdMs));
    await blocker.release();
    const waited = await app;
    expect(waited.error).toBeUndefined();
    expect(waited.result!.rows[0]!.count).toBe('1000');
    expect(waited.ms).toBeGreaterThanOrEqual(holdMs - 50);

    const again = await holdLock(db.current.url, ['LOCK TABLE items IN ACCESS EXCLUSIVE MODE']);
    try {
      const impatient = await timed(db.current.url, 'SELECT count(*) FROM items', { setup: ["SET lock_timeout = '200ms'"] });
      expect(impatient.error?.code).toBe('55P03');
      expect(impatient.ms).toBeLessThan(1000);
    } finally {
      await again.release('rollback');
    }
  });

  it('drops a database even while sessions are still connected to it', async () => {
    const scratch = await createTestDatabase('scratch');
    const client = await scratch.connect();
    await client.query('SELECT 1');
    await scratch.drop();
    const { rows } = await db.current.query('SELECT count(*)::int AS n FROM pg_database WHERE datname = $1', [scratch.name]);
    expect(rows[0]!.n).toBe(0);
  });
});
