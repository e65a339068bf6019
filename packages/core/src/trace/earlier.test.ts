/** Which migrations come before the traced one: sibling .sql files, or Prisma-style directories. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { earlierMigrations } from './earlier.js';

it('lists the .sql files sorted before the file in its directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pgsafe-earlier-'));
  for (const f of ['003_c.sql', '001_a.sql', '002_b.sql', 'notes.txt']) writeFileSync(join(dir, f), '');
  expect(earlierMigrations(join(dir, '003_c.sql'))).toEqual([join(dir, '001_a.sql'), join(dir, '002_b.sql')]);
  expect(earlierMigrations(join(dir, '001_a.sql'))).toEqual([]);
});

it('for <dir>/<name>/migration.sql, the migration.sql of the directories before <name>', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pgsafe-earlier-'));
  for (const d of ['20240101_init', '20240202_users', '20240303_orders', '20240404_later']) {
    mkdirSync(join(dir, d));
    writeFileSync(join(dir, d, 'migration.sql'), '');
  }
  writeFileSync(join(dir, 'migration_lock.toml'), '');
  expect(earlierMigrations(join(dir, '20240303_orders', 'migration.sql'))).toEqual([
    join(dir, '20240101_init', 'migration.sql'),
    join(dir, '20240202_users', 'migration.sql'),
  ]);
});
