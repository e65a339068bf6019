/** `pgsafe-prisma migrate dev` and the pass-through, end to end. Prisma's schema engine cannot run here, so a
 *  stand-in `prisma` executable in the project's node_modules/.bin records its argv and, for
 *  `migrate dev --create-only`, writes the migration directory the engine would have written. */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { seedRows, useTestDatabase } from '@pgsafe/testing';
import { BIN, PGSAFE_BIN, testProject, type TestProject } from './testing/project.js';

const db = useTestDatabase('prisma_dev');
let project: TestProject;

const INIT = 'CREATE TABLE "User" (\n    "id" SERIAL NOT NULL,\n    "email" TEXT NOT NULL,\n    CONSTRAINT "User_pkey" PRIMARY KEY ("id")\n);\n';
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const applied = async () =>
  (await db.current.query<{ migration_name: string; checksum: string; finished: boolean }>('SELECT migration_name, checksum, finished_at IS NOT NULL AS finished FROM _prisma_migrations ORDER BY started_at, migration_name')).rows;

/** A stand-in for Prisma that, on `migrate dev --create-only`, writes `<name>/migration.sql` as the engine would. */
function prismaCreating(name: string, sql: string) {
  const dir = join(project.migrations, name);
  return project.fakePrisma({ script: `if [ "$1 $2 $3" = "migrate dev --create-only" ]; then mkdir -p '${dir}' && cat > '${dir}/migration.sql' <<'SQL'\n${sql}SQL\nfi` });
}

beforeAll(() => {
  if (!existsSync(BIN)) throw new Error('packages/prisma is not built: run `pnpm build` (the root `pnpm test` does it)');
});

beforeEach(async () => {
  await db.current.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
  project = testProject(db.current.url);
  project.migration('20260101000000_init', INIT);
  expect((await project.run(['migrate', 'deploy'])).code).toBe(0);
  await seedRows(db.current, '"User"', 10_000, { email: "'user' || i || '@example.com'" });
});

describe('pass-through', () => {
  it('runs every other prisma command untouched, with its exit code', async () => {
    const prisma = project.fakePrisma({ code: 7 });
    const r = await project.run(['generate', '--schema', 'prisma/schema.prisma', '--no-hints']);
    expect(r.code).toBe(7);
    const status = await project.run(['migrate', 'status', '--config', 'prisma.config.ts']);
    expect(status.code).toBe(7);
    const viaPgsafe = await project.run(['prisma', 'migrate', 'reset', '--force', '--help'], {}, PGSAFE_BIN);
    expect(viaPgsafe.code).toBe(7);
    expect(prisma.calls()).toEqual([
      ['generate', '--schema', 'prisma/schema.prisma', '--no-hints'],
      ['migrate', 'status', '--config', 'prisma.config.ts'],
      ['migrate', 'reset', '--force', '--help'],
    ]);
  });

  it('`migrate --help` names the guarded deploy and dev, then shows Prisma\'s own help', async () => {
    const prisma = project.fakePrisma({ code: 0 });
    const r = await project.run(['prisma', 'migrate', '--help'], {}, PGSAFE_BIN);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('pgsafe prisma migrate deploy   checks every pending migration.sql');
    expect(r.stdout).toContain('pgsafe prisma migrate dev      applies pending migrations through pgsafe');
    expect(prisma.calls()).toEqual([['migrate', '--help']]);
  });

  it('`pgsafe prisma migrate deploy` is the guarded deploy', async () => {
    project.fakePrisma({ code: 9 });
    project.migration('20260102000000_name', 'ALTER TABLE "User" ADD COLUMN "name" TEXT;\n');
    const r = await project.run(['prisma', 'migrate', 'deploy'], {}, PGSAFE_BIN);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('All migrations have been successfully applied: 20260102000000_name');
    expect((await applied()).map((row) => row.migration_name)).toEqual(['20260101000000_init', '20260102000000_name']);
  });

  it('says so when the project has no Prisma CLI', async () => {
    const r = await project.run(['generate'], { PATH: '/nonexistent' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the Prisma CLI was not found');
  });
});

// Each test runs the CLI more than once: at a load of 15-20 on 2 cores that can take over the default 30 s.
describe('pgsafe-prisma migrate dev', { timeout: 120_000 }, () => {
  it('applies pending migrations itself, lets Prisma create the new one, rewrites it into safe directories and applies them', async () => {
    project.migration('20260102000000_name', 'ALTER TABLE "User" ADD COLUMN "name" TEXT;\n');
    const prisma = prismaCreating(
      '20260103000000_orders',
      '-- CreateTable\nCREATE TABLE "Order" (\n    "id" SERIAL NOT NULL,\n    "userId" INTEGER NOT NULL,\n    CONSTRAINT "Order_pkey" PRIMARY KEY ("id")\n);\n\n-- CreateIndex\nCREATE UNIQUE INDEX "User_email_key" ON "User"("email");\n\n-- AddForeignKey\nALTER TABLE "Order" ADD CONSTRAINT "Order_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;\n',
    );

    const r = await project.run(['migrate', 'dev', '--name', 'orders', '--rewrite']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(prisma.calls()).toEqual([['migrate', 'dev', '--create-only', '--name', 'orders']]);
    // The pending migration went through pgsafe before Prisma (whose --create-only would have applied it unguarded).
    expect(r.stdout.indexOf('Applying migration `20260102000000_name`')).toBeLessThan(r.stdout.indexOf('$ prisma migrate dev --create-only'));
    expect(r.stdout).toContain('CREATE INDEX → CREATE INDEX CONCURRENTLY');

    const dirs = readdirSync(project.migrations).filter((d) => d.startsWith('20260103000000_orders'));
    expect(dirs).toEqual(['20260103000000_orders', '20260103000000_orders_p02_concurrent_index']);
    expect(readFileSync(join(project.migrations, dirs[1]!, 'migration.sql'), 'utf8')).toBe('-- CreateIndex\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "User_email_key" ON "User"("email");\n');
    const rows = await applied();
    expect(rows.map((row) => row.migration_name)).toEqual(['20260101000000_init', '20260102000000_name', ...dirs]);
    expect(rows.every((row) => row.finished)).toBe(true);
    for (const dir of dirs) expect(rows.find((row) => row.migration_name === dir)!.checksum).toBe(sha256(join(project.migrations, dir, 'migration.sql')));
    const index = await db.current.query<{ indisvalid: boolean; indisunique: boolean }>(`SELECT indisvalid, indisunique FROM pg_index WHERE indexrelid = '"User_email_key"'::regclass`);
    expect(index.rows).toEqual([{ indisvalid: true, indisunique: true }]);
  });

  it('stops at an unsafe new migration: findings with the recipe, nothing applied', async () => {
    prismaCreating('20260102000000_add_country', '-- AlterTable\nALTER TABLE "User" ADD COLUMN "country" TEXT NOT NULL;\n');
    const r = await project.run(['migrate', 'dev', '--name', 'add_country', '--no-rewrite']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('adding-required-field');
    expect(r.stdout).toContain('Refused: 20260102000000_add_country');
    expect(r.stdout).toContain('then run pgsafe prisma migrate dev again');
    expect((await applied()).map((row) => row.migration_name)).toEqual(['20260101000000_init']);
    const columns = await db.current.query(`SELECT 1 FROM information_schema.columns WHERE table_name = 'User' AND column_name = 'country'`);
    expect(columns.rowCount).toBe(0);
  });

  it('with --create-only checks the new migration and applies nothing', async () => {
    prismaCreating('20260102000000_email_idx', 'CREATE INDEX "User_email_idx" ON "User"("email");\n');
    const r = await project.run(['migrate', 'dev', '--create-only', '--no-rewrite']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('require-concurrent-index-creation');
    expect(r.stdout).toContain('Not rewritten');
    expect((await applied()).map((row) => row.migration_name)).toEqual(['20260101000000_init']);
  });

  it("passes Prisma's own options it does not know (Prisma 6's --skip-seed, --skip-generate) to prisma migrate dev", async () => {
    const prisma = prismaCreating('20260102000000_name', 'ALTER TABLE "User" ADD COLUMN "name" TEXT;\n');
    const r = await project.run(['migrate', 'dev', '--name', 'name', '--skip-seed', '--skip-generate']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(prisma.calls()).toEqual([['migrate', 'dev', '--create-only', '--name', 'name', '--skip-seed', '--skip-generate']]);
    expect((await applied()).map((row) => row.migration_name)).toEqual(['20260101000000_init', '20260102000000_name']);
  });

  it('offers the safe rewrite for a pending migration written earlier and refused, then applies it', async () => {
    // "User" (10,000 rows) counts as large here.
    writeFileSync(join(project.dir, 'pgsafe.config.json'), JSON.stringify({ run: { largeTableRows: 5000 } }));
    project.migration('20260102000000_email_idx', 'CREATE INDEX "User_email_idx" ON "User"("email");\n');
    project.fakePrisma({ code: 0 });
    const r = await project.run(['migrate', 'dev', '--rewrite']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('Checked 20260102000000_email_idx:');
    expect(r.stdout).toContain('Rewritten: ');
    const index = await db.current.query<{ indisvalid: boolean }>(`SELECT indisvalid FROM pg_index WHERE indexrelid = '"User_email_idx"'::regclass`);
    expect(index.rows).toEqual([{ indisvalid: true }]);
  });

  it('when Prisma wrote the migration and then failed, says so, checks it, and applies nothing', async () => {
    const dir = join(project.migrations, '20260102000000_add_country');
    project.fakePrisma({ code: 1, script: `mkdir -p '${dir}' && printf 'ALTER TABLE "User" ADD COLUMN "country" TEXT NOT NULL;\\n' > '${dir}/migration.sql'; echo "Error: generator failed" >&2` });
    const r = await project.run(['migrate', 'dev', '--name', 'add_country', '--no-rewrite']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('`prisma migrate dev --create-only` exited 1 after writing 20260102000000_add_country: checked below, not applied.');
    expect(r.stderr).not.toContain('no migration was created');
    expect(r.stdout).toContain('adding-required-field');
    expect((await applied()).map((row) => row.migration_name)).toEqual(['20260101000000_init']);
  });

  it("says clearly when Prisma's engine cannot create the migration, and exits non-zero", async () => {
    project.fakePrisma({ code: 1, script: 'echo "Error: schema engine download failed" >&2' });
    const r = await project.run(['migrate', 'dev', '--name', 'x']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('`prisma migrate dev --create-only` failed (exit 1), so no migration was created');
    expect(r.stderr).toContain('PRISMA_SCHEMA_ENGINE_BINARY');
    expect(r.stderr).toContain('pgsafe prisma migrate deploy');
  });
});
