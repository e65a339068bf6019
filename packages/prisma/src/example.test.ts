/** examples/prisma as its README runs it: the real project files (prisma.config.ts importing prisma/config), the
 *  dangerous `ADD COLUMN country text NOT NULL` refused before anything is applied. */
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '@pgsafe/testing';
import { BIN } from './testing/project.js';

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

describe('examples/prisma', () => {
  it('refuses the add_country migration with its recipe, and applies nothing', async () => {
    const r = await deploy(db.current.url);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('3 pending migrations:');
    expect(r.stdout).toContain('prisma/migrations/20260103000000_add_country/migration.sql:8:31 error[adding-required-field]');
    expect(r.stdout).toContain('fix: Add the column nullable, backfill it in batches');
    expect(r.stdout).toContain('Refused: 20260103000000_add_country would be unsafe or cannot run as written. Nothing was applied.');
    const { rows } = await db.current.query(`SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'`);
    expect(rows).toEqual([]);
  });
});
