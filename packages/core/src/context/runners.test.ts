import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileExecution, migrationSlot, runnerOrder, type MigrationSlot, type RunnerName } from './runners.js';

const sorted = (files: string[], runner?: RunnerName) => {
  const slots = files.map((f) => migrationSlot(f, runner)!);
  return slots.sort(runnerOrder(slots[0]!.runner)).map((s) => s.name + (s.direction === 'down' ? ' (down)' : ''));
};

describe('migrationSlot', () => {
  it('tells the runner from the layout, with the folder the runner reads', () => {
    expect(migrationSlot('db/prisma/migrations/20240101_init/migration.sql')).toEqual({ runner: 'prisma', root: 'db/prisma/migrations', name: '20240101_init', direction: 'up' });
    expect(migrationSlot('migrations/2019-02-26-002946_create_user/down.sql')).toMatchObject({ runner: 'diesel', root: 'migrations', name: '2019-02-26-002946_create_user', direction: 'down' });
    expect(migrationSlot('sql/V1.2__add_users.sql')).toMatchObject({ runner: 'flyway', root: 'sql', direction: 'up' });
    expect(migrationSlot('sql/U1.2__add_users.sql')).toMatchObject({ runner: 'flyway', direction: 'down' });
    expect(migrationSlot('sql/R__refresh_views.sql')).toMatchObject({ runner: 'flyway', root: 'sql', direction: 'up' });
    expect(migrationSlot('m/000042_add.up.sql')).toMatchObject({ runner: 'golang-migrate', name: '000042_add', direction: 'up' });
    expect(migrationSlot('m/000042_add.down.sql')).toMatchObject({ direction: 'down' });
    expect(migrationSlot('m/20240115_init.sql')).toMatchObject({ runner: 'plain', root: 'm', name: '20240115_init.sql', guessed: true });
    expect(migrationSlot('m/readme.md')).toBeUndefined();
  });

  it('takes the configured runner over the layout', () => {
    expect(migrationSlot('m/00001_init.sql', 'goose')).toMatchObject({ runner: 'goose', root: 'm' });
    expect(migrationSlot('m/000042_add.up.sql', 'sqlx')).toMatchObject({ runner: 'sqlx', name: '000042_add' });
    expect(migrationSlot('m/x/notes.sql', 'diesel')).toBeUndefined();
  });
});

describe('runnerOrder', () => {
  it('orders numbered files by number, not by text', () => {
    expect(sorted(['m/10_c.sql', 'm/2_b.sql', 'm/1_a.sql'])).toEqual(['1_a.sql', '2_b.sql', '10_c.sql']);
    expect(sorted(['m/10_c.up.sql', 'm/2_b.down.sql', 'm/2_b.up.sql'])).toEqual(['2_b', '2_b (down)', '10_c']);
  });

  it('orders flyway versions part by part', () => {
    expect(sorted(['s/V1.10__c.sql', 's/V1.9__b.sql', 's/V1_2__a.sql'])).toEqual(['V1_2__a.sql', 'V1.9__b.sql', 'V1.10__c.sql']);
    // Repeatable migrations run after every versioned one, by description.
    expect(sorted(['s/R__views.sql', 's/V2__b.sql', 's/R__functions.sql', 's/V1__a.sql'])).toEqual(['V1__a.sql', 'V2__b.sql', 'R__functions.sql', 'R__views.sql']);
  });

  it('orders Prisma folders as Prisma does (localeCompare), TypeORM by the 13-digit timestamp', () => {
    expect(sorted(['p/20240102_b/migration.sql', 'p/20240101_B/migration.sql', 'p/20240101_a/migration.sql'])).toEqual(['20240101_a', '20240101_B', '20240102_b']);
    const typeorm = (name: string): MigrationSlot => ({ runner: 'typeorm', root: 'src', name, direction: 'up' });
    const order = runnerOrder('typeorm');
    expect([typeorm('1700000000001-AddB.ts'), typeorm('999999999999-Zero.ts'), typeorm('1690000000000-AddA.ts')].sort(order).map((s) => s.name)).toEqual([
      '1690000000000-AddA.ts',
      '1700000000001-AddB.ts',
      '999999999999-Zero.ts',
    ]);
  });
});

describe('fileExecution', () => {
  const slot = (runner: RunnerName): MigrationSlot => ({ runner, root: '.', name: 'x', direction: 'up' });

  it('reads the runners’ transaction directives', () => {
    const goose = '-- +goose Up\nCREATE TABLE a (id int);\n-- +goose Down\nDROP TABLE a;\n';
    expect(fileExecution(slot('plain'), goose, 'x.sql')).toMatchObject({ transactional: true, downFrom: goose.indexOf('-- +goose Down') });
    expect(fileExecution(slot('plain'), '-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY i ON a (id);\n', 'x.sql').transactional).toBe(false);
    const dbmate = '-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON a (id);\n-- migrate:down\n';
    expect(fileExecution(slot('plain'), dbmate, 'x.sql')).toMatchObject({ transactional: false, downFrom: dbmate.indexOf('-- migrate:down') });
    expect(fileExecution(slot('plain'), '-- migrate:up\nSELECT 1;\n', 'x.sql').transactional).toBe(true);
    expect(fileExecution(slot('plain'), '-- no-transaction\nCREATE INDEX CONCURRENTLY i ON a (id);\n', 'x.sql').transactional).toBe(false);
    expect(fileExecution(slot('sqlx'), 'SELECT 1;\n', 'x.sql').transactional).toBe(true);
    expect(fileExecution(slot('plain'), '-- Up Migration\nSELECT 1;\n-- Down Migration\nSELECT 2;\n', 'x.sql')).toMatchObject({ transactional: true, downFrom: 26 });
    // postgres-migrations (supabase storage's runner): a transaction per file unless the file opts out.
    const optOut = '-- postgres-migrations disable-transaction\nCREATE INDEX CONCURRENTLY i ON a (id);\n';
    expect(fileExecution(slot('plain'), optOut, 'x.sql')).toMatchObject({ runner: 'postgres-migrations', transactional: false });
    expect(fileExecution(slot('postgres-migrations'), 'ALTER TABLE a ADD b int;\n', 'x.sql')).toMatchObject({ runner: 'postgres-migrations', transactional: true });
  });

  it('wraps each runner’s file as that runner does, and a plain file as configured', () => {
    expect(fileExecution(slot('prisma'), 'SELECT 1;', 'x')).toMatchObject({ transactional: true, implicit: true });
    expect(fileExecution(slot('golang-migrate'), 'SELECT 1;', 'x')).toMatchObject({ transactional: true, implicit: true });
    expect(fileExecution(slot('flyway'), 'SELECT 1;', 'x').transactional).toBe(true);
    expect(fileExecution(slot('plain'), 'SELECT 1;', 'x').transactional).toBe(false);
    expect(fileExecution(slot('plain'), 'SELECT 1;', 'x', true).transactional).toBe(true);
    expect(fileExecution(slot('knex'), 'SELECT 1;', 'x', false).transactional).toBe(false);
  });

  it('reads diesel’s metadata.toml', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgsafe-diesel-'));
    mkdirSync(join(dir, '2024-01-01-000000_idx'));
    writeFileSync(join(dir, '2024-01-01-000000_idx', 'metadata.toml'), 'run_in_transaction = false\n');
    expect(fileExecution(slot('diesel'), 'SELECT 1;', join(dir, '2024-01-01-000000_idx', 'up.sql')).transactional).toBe(false);
    expect(fileExecution(slot('diesel'), 'SELECT 1;', join(dir, 'other', 'up.sql')).transactional).toBe(true);
  });
});
