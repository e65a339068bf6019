/** examples/prisma as its README runs it: the real project files (prisma.config.ts importing prisma/config), the
 *  dangerous `ADD COLUMN country text NOT NULL` refused before anything is applied once "User" has rows. */
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import { beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { columnsOf, seedRows, useTestDatabase } from '@pgsafe/testing';
import { BIN } from './testing/project.js';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { noColor } from '@pgsafe/core';
import { deploy as deployApi } from './deploy.js';

const EXAMPLE = fileURLToPath(new URL('../../../examples/prisma/', import.meta.url));
const db = useTestDatabase('prisma_example');

function deploy(url: string): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'migrate', 'deploy'], { cwd: EXAMPLE, env: { ...process.env, DATABASE_URL: url, NO_COLOR: '1' } });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('close', (code) => resolve({ code, stdout }));
  });
}

beforeEach(async () => {
  await db.current.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
});

describe('examples/prisma', () => {
  it('refuses the add_country migration with its recipe once "User" has rows, and applies nothing', async () => {
    // As the README goes: the first two migrations applied, then users arrive.
    const first = mkdtempSync(join(tmpdir(), 'pgsafe-prisma-example-'));
    for (const name of ['20260101000000_init', '20260102000000_post_published_index', 'migration_lock.toml']) cpSync(join(EXAMPLE, 'prisma/migrations', name), join(first, name), { recursive: true });
    const quiet = { c: noColor, say: () => {}, warn: () => {} };
    expect((await deployApi({ migrationsDir: first, url: db.current.url, config: {}, out: quiet })).status).toBe('applied');
    await seedRows(db.current, '"User"', 2000, { email: "'user' || i || '@example.com'" });
    const r = await deploy(db.current.url);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('1 pending migration:');
    expect(r.stdout).toContain('prisma/migrations/20260103000000_add_country/migration.sql:8:31 error[adding-required-field]');
    expect(r.stdout).toContain('fix: Add the column nullable, backfill it in batches');
    expect(r.stdout).toContain('Refused: 20260103000000_add_country would be unsafe or cannot run as written. Nothing was applied.');
    const { rows } = await db.current.query<{ migration_name: string }>('SELECT migration_name FROM _prisma_migrations ORDER BY migration_name');
    expect(rows.map((row) => row.migration_name)).toEqual(['20260101000000_init', '20260102000000_post_published_index']);
    expect(await columnsOf(db.current, 'User')).not.toContain('country');
  });

  it('on an empty database the whole history applies: "User" is created earlier in the same deploy, so adding the column cannot fail', async () => {
    const r = await deploy(db.current.url);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toContain('let through [adding-required-field] "User" has 0 rows; created earlier in this deploy by 20260101000000_init: no running application uses it yet');
  });
});
