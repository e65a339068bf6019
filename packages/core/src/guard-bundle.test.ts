/** `@pgsafe/core/guard` as built: dist/guard-entry.js is a bundle (scripts/bundle-guard.mjs). What it throws must be
 *  the main entry's classes (users test them with `instanceof`), and both must share the one parser. The test suite
 *  builds dist/ before it runs (`pnpm test`). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seedRows, useTestDatabase } from '@pgsafe/testing';

const dist = (file: string) => new URL(`../dist/${file}`, import.meta.url).href;
const db = useTestDatabase('guard_bundle');

describe('the adapters\' guard entry as built (a bundle)', () => {
  it("throws the main entry's ConfigError, UnsafeMigrationError and ParseError, and parses with the main entry's parser", async () => {
    const entry = await import(dist('guard-entry.js'));
    const main = await import(dist('index.js'));

    const dir = mkdtempSync(join(tmpdir(), 'pgsafe-bundle-'));
    writeFileSync(join(dir, 'pgsafe.config.json'), '{ "rules": { "no-such-rule": "error" } }');
    await expect(entry.startGuard({}, dir)).rejects.toBeInstanceOf(main.ConfigError);

    await db.current.query('CREATE TABLE users (id int PRIMARY KEY, email text)');
    await seedRows(db.current, 'users', 200_000, { id: 'i', email: "'u' || i || '@example.com'" });
    await db.current.query('ANALYZE users');
    const client = await db.current.connect({ applicationName: 'orm' });
    try {
      const guard = await entry.startGuard({ config: { run: { largeTableRows: 100_000 } }, onEvent: () => {} });
      const session = { inTransaction: false, query: (sql: string, params?: unknown[]) => client.query(sql, params) };
      const send = (sql: string) => guard.execute(sql, session, () => client.query(sql));
      guard.beginMigration('m1');
      await expect(send('CREATE INDEX users_email_idx ON users (email)')).rejects.toBeInstanceOf(main.UnsafeMigrationError);
      await expect(send('ALTER TABLE users ADDD COLUMN x int')).rejects.toBeInstanceOf(main.ParseError);
      await send('ALTER TABLE users ADD COLUMN nickname text');
      guard.endMigration();
      // The guard loaded the parser: the main entry's parse works without loading it again (one instance).
      expect(main.parseMigration('SELECT 1').statements).toHaveLength(1);
    } finally {
      await client.end();
    }
    const { rows } = await db.current.query("SELECT count(*)::int AS n FROM pg_indexes WHERE indexname = 'users_email_idx'");
    expect(rows).toEqual([{ n: 0 }]);
    expect((await db.current.query("SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'nickname'")).rows).toEqual([{ n: 1 }]);
  });
});
