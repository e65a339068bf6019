/** `pgsafe-prisma migrate deploy` end to end: the built bin, a Prisma 7 project on disk, real PostgreSQL, real
 *  concurrent sessions. The bookkeeping is asserted against Prisma's own rules (schema engine: apply_migrations.rs,
 *  sql_migration_persistence.rs): the table, the checksum, the row values, P3005 / P3009 / P3018. */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { holdLock, seedRows, steadyQueries, useTestDatabase, waitUntilWaitingOnLock } from '@pgsafe/testing';
import { BIN, testProject, type TestProject } from './testing/project.js';
import type { MigrationRow } from './bookkeeping.js';

const db = useTestDatabase('prisma_deploy');
let project: TestProject;

const rows = async () => (await db.current.query<MigrationRow>('SELECT * FROM _prisma_migrations ORDER BY started_at, migration_name')).rows;
const tableExists = async (name: string) => (await db.current.query<{ t: string | null }>('SELECT to_regclass($1) AS t', [name])).rows[0]!.t !== null;
const columns = async (table: string) =>
  (await db.current.query<{ column_name: string }>('SELECT column_name FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position', [table])).rows.map((r) => r.column_name);
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

const INIT = `-- CreateTable
CREATE TABLE "User" (
    "id" SERIAL NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT,
    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);
`;

beforeAll(() => {
  if (!existsSync(BIN)) throw new Error('packages/prisma is not built: run `pnpm build` (the root `pnpm test` does it)');
});

beforeEach(async () => {
  await db.current.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
  project = testProject(db.current.url);
});

/** The first migration applied and 20k users in the table, as on a live database. */
async function deployedInit(): Promise<void> {
  project.migration('20260101000000_init', INIT);
  const r = await project.run(['migrate', 'deploy']);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  await seedRows(db.current, '"User"', 20_000, { email: "'user' || i || '@example.com'", name: "'n' || i" });
}

// Each test runs the CLI two to four times: at a load of 15-20 on 2 cores one took over the default 30 s, and a timed-out
// test's deploy then ran on into the next test's fresh schema.
describe('pgsafe-prisma migrate deploy', { timeout: 120_000 }, () => {
  it('applies a mixed migration (DDL, then CREATE INDEX CONCURRENTLY) in order, with a VALID index and the rows Prisma writes', async () => {
    await deployedInit();
    const file = project.migration('20260102000000_user_status', 'ALTER TABLE "User" ADD COLUMN "status" TEXT;\n\nCREATE INDEX CONCURRENTLY "User_email_idx" ON "User"("email");\n');

    const r = await project.run(['migrate', 'deploy']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Applying migration `20260102000000_user_status` (2 steps');
    expect(r.stdout).toContain('All migrations have been successfully applied: 20260102000000_user_status');

    const index = await db.current.query<{ indisvalid: boolean }>(`SELECT indisvalid FROM pg_index WHERE indexrelid = '"User_email_idx"'::regclass`);
    expect(index.rows).toEqual([{ indisvalid: true }]);
    expect(await columns('User')).toEqual(['id', 'email', 'name', 'status']);

    // The table exactly as the schema engine creates it.
    const ddl = await db.current.query(
      `SELECT column_name, data_type, character_maximum_length AS len, is_nullable, column_default FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    expect(ddl.rows).toEqual([
      { column_name: 'id', data_type: 'character varying', len: 36, is_nullable: 'NO', column_default: null },
      { column_name: 'checksum', data_type: 'character varying', len: 64, is_nullable: 'NO', column_default: null },
      { column_name: 'finished_at', data_type: 'timestamp with time zone', len: null, is_nullable: 'YES', column_default: null },
      { column_name: 'migration_name', data_type: 'character varying', len: 255, is_nullable: 'NO', column_default: null },
      { column_name: 'logs', data_type: 'text', len: null, is_nullable: 'YES', column_default: null },
      { column_name: 'rolled_back_at', data_type: 'timestamp with time zone', len: null, is_nullable: 'YES', column_default: null },
      { column_name: 'started_at', data_type: 'timestamp with time zone', len: null, is_nullable: 'NO', column_default: 'now()' },
      { column_name: 'applied_steps_count', data_type: 'integer', len: null, is_nullable: 'NO', column_default: '0' },
    ]);
    const all = await rows();
    expect(all.map((r) => r.migration_name)).toEqual(['20260101000000_init', '20260102000000_user_status']);
    const row = all[1]!;
    expect(row).toMatchObject({ checksum: sha256(file), logs: null, rolled_back_at: null, applied_steps_count: 1 });
    expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(row.finished_at!.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());

    const again = await project.run(['migrate', 'deploy']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('No pending migrations to apply.');
    expect(await rows()).toHaveLength(2);
  });

  it('refuses an unsafe migration before anything runs: database and _prisma_migrations untouched', async () => {
    await deployedInit();
    project.migration('20260102000000_name_index', 'CREATE INDEX CONCURRENTLY "User_name_idx" ON "User"("name");\n');
    const file = project.migration('20260103000000_add_country', '-- AlterTable\nALTER TABLE "User" ADD COLUMN "country" TEXT NOT NULL;\n');
    const before = await rows();

    const r = await project.run(['migrate', 'deploy']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${relative(project.dir, file)}:2:`);
    expect(r.stdout).toContain('adding-required-field');
    expect(r.stdout).toContain('ALTER TABLE "User" ADD COLUMN "country" TEXT NOT NULL');
    expect(r.stdout).toMatch(/Refused: 20260103000000_add_country .*Nothing was applied\./);
    expect(r.stdout).toContain('--allow adding-required-field');

    expect(await rows()).toEqual(before);
    expect(await columns('User')).toEqual(['id', 'email', 'name']);
    expect(await tableExists('"User_name_idx"')).toBe(false);
  });

  it('groups a long refusal by rule (count, first example, places); --verbose shows every finding, --format json all as data', async () => {
    await deployedInit();
    // "User" (20,000 rows) counts as large here.
    writeFileSync(join(project.dir, 'pgsafe.config.json'), JSON.stringify({ run: { largeTableRows: 10_000 } }));
    for (let i = 0; i < 8; i++) project.migration(`2026010200000${i}_idx${i}`, `CREATE INDEX "User_c${i}_idx" ON "User"("email", "name");\n`);
    const r = await project.run(['migrate', 'deploy']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('require-concurrent-index-creation: 8 findings in 8 migrations. The first:');
    expect(r.stdout.match(/^ {2}also /gm)).toHaveLength(5);
    expect(r.stdout).toContain('... and 2 more (--verbose shows every finding in full');
    expect(r.stdout).toMatch(/Refused: 8 migrations \(20260102000000_idx0 first\) would be unsafe/);

    const verbose = await project.run(['migrate', 'deploy', '--verbose']);
    expect(verbose.stdout.match(/error\[require-concurrent-index-creation\]/g)).toHaveLength(8);
    expect(verbose.stdout.split('\n').length).toBeGreaterThan(r.stdout.split('\n').length);

    const json = await project.run(['migrate', 'deploy', '--format', 'json']);
    expect(json.code).toBe(1);
    const doc = JSON.parse(json.stdout) as { status: string; refused: { name: string; blocking: string[] }[] };
    expect(doc.status).toBe('refused');
    expect(doc.refused.map((m) => m.blocking)).toEqual(Array(8).fill(['require-concurrent-index-creation']));
    expect(await rows()).toHaveLength(1);
   });

  it('judges the pending migrations as one batch: a fresh install passes, the same change on a loaded table is refused with its size', async () => {
    project.migration('20260101000000_init', INIT);
    project.migration('20260101000001_orders', 'CREATE TABLE "Order" ("id" SERIAL PRIMARY KEY, "userId" INTEGER NOT NULL, "total" INTEGER);\n');
    project.migration(
      '20260101000002_order_links',
      'CREATE INDEX "Order_userId_idx" ON "Order"("userId");\nALTER TABLE "Order" ADD CONSTRAINT "Order_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id");\nALTER TABLE "Order" RENAME COLUMN "total" TO "amount";\n',
    );
    const fresh = await project.run(['migrate', 'deploy', '--verbose']);
    expect(fresh.code, fresh.stdout + fresh.stderr).toBe(0);
    const why = '"Order" has 0 rows; created earlier in this deploy by 20260101000001_orders: no running application uses it yet';
    expect(fresh.stdout).toContain(`let through [require-concurrent-index-creation] ${why}`);
    // Renaming a column of a table this deploy created renames nothing a running release uses: no finding at all.
    expect(fresh.stdout).not.toContain('[renaming-column]');
    expect(await rows()).toHaveLength(3);

    // The same kind of change once the table is in use and large (the default threshold, 100,000 rows).
    await seedRows(db.current, '"User"', 10, { email: "'u' || i" });
    await seedRows(db.current, '"Order"', 150_000, { '"userId"': '1 + i % 10', amount: 'i' });
    await db.current.query('ANALYZE "Order"');
    project.migration('20260102000000_amount_idx', 'CREATE INDEX "Order_amount_idx" ON "Order"("amount");\n');
    const loaded = await project.run(['migrate', 'deploy']);
    expect(loaded.code).toBe(1);
    expect(loaded.stdout).toMatch(/live: "Order" has ~1[\d,]{6} rows \(estimate, pg_class\.reltuples\): at or above the large-table threshold of[\s|]+100,000 rows/);
    expect(await rows()).toHaveLength(3);
  });

  it("creates the URL's database when it does not exist, as Prisma's migrate deploy does", async () => {
    const name = `${db.current.name}_created`;
    const url = new URL(db.current.url);
    url.pathname = `/${name}`;
    const other = testProject(url.toString());
    other.migration('20260101000000_init', INIT);
    try {
      const r = await other.run(['migrate', 'deploy']);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toContain(`PostgreSQL database ${name} created at`);
      const found = await db.current.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      expect(found.rowCount).toBe(1);
    } finally {
      await db.current.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }
  });

  it('retries behind a transaction holding the table instead of queueing the application behind it, then completes', async () => {
    await deployedInit();
    writeFileSync(`${project.dir}/pgsafe.config.json`, JSON.stringify({ run: { lockTimeout: '200ms', preflight: 'off' } }));
    project.migration('20260102000000_verified', 'ALTER TABLE "User" ADD COLUMN "verified" BOOLEAN;\n');
    const blocker = await holdLock(db.current.url, ['SELECT count(*) FROM "User"'], 'nightly-report');
    const app = await steadyQueries(db.current.url, () => `SELECT email FROM "User" WHERE id = ${1 + Math.floor(Math.random() * 20_000)}`, { pauseMs: 5 });

    const running = project.start(['migrate', 'deploy']);
    await running.output('lock timeout');
    await running.output('retry');
    expect(await columns('User')).toEqual(['id', 'email', 'name']);
    await blocker.release();
    const r = await running.done;
    const seen = await app.stop();

    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(seen.errors).toEqual([]);
    expect(await columns('User')).toEqual(['id', 'email', 'name', 'verified']);
    expect((await rows()).at(-1)).toMatchObject({ migration_name: '20260102000000_verified', applied_steps_count: 1, logs: null });
  });

  it('records a migration failing midway as Prisma does (unfinished row with logs), and then blocks with P3009 until resolved', async () => {
    await deployedInit();
    const file = project.migration(
      '20260102000000_orders',
      'CREATE TABLE "Order" ("id" SERIAL PRIMARY KEY, "userId" INTEGER NOT NULL);\n\nCREATE INDEX CONCURRENTLY "User_name_idx" ON "User"("name");\n\nINSERT INTO "Missing" ("id") VALUES (1);\n',
    );
    const later = project.migration('20260103000000_later', 'CREATE TABLE "Later" ("id" BIGINT PRIMARY KEY);\n');

    const r = await project.run(['migrate', 'deploy']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('P3018: A migration failed to apply.');
    expect(r.stdout).toContain('Migration name: 20260102000000_orders');
    expect(r.stdout).toContain(`Failed at step 3 of 3: ${relative(project.dir, file)}:5:`);
    expect(r.stdout).toContain('Database error code: 42P01');

    const failed = (await rows()).find((row) => row.migration_name === '20260102000000_orders')!;
    expect(failed).toMatchObject({ finished_at: null, rolled_back_at: null, applied_steps_count: 0, checksum: sha256(file) });
    expect(failed.logs).toContain('Database error code: 42P01');
    expect(failed.logs).toContain('relation "Missing" does not exist');
    // What committed before the failure stays (Prisma >= 7.4 autocommits statement by statement too); nothing after it ran.
    expect(await tableExists('"Order"')).toBe(true);
    expect(await tableExists('"Later"')).toBe(false);

    const blocked = await project.run(['migrate', 'deploy']);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain('P3009');
    expect(blocked.stderr).toContain('The `20260102000000_orders` migration started at');
    expect(await rows()).toHaveLength(2);

    // `prisma migrate resolve --rolled-back`, a fixed file, and the next deploy applies it again with a new row.
    await db.current.query(`UPDATE _prisma_migrations SET rolled_back_at = now() WHERE id = $1`, [failed.id]);
    writeFileSync(file, 'CREATE TABLE IF NOT EXISTS "Order" ("id" SERIAL PRIMARY KEY, "userId" INTEGER NOT NULL);\n\nCREATE INDEX CONCURRENTLY IF NOT EXISTS "User_name_idx" ON "User"("name");\n');
    const fixed = await project.run(['migrate', 'deploy']);
    expect(fixed.code, fixed.stdout + fixed.stderr).toBe(0);
    const names = (await rows()).map((row) => [row.migration_name, row.finished_at !== null, row.rolled_back_at !== null]);
    expect(names).toEqual([
      ['20260101000000_init', true, false],
      ['20260102000000_orders', false, true],
      ['20260102000000_orders', true, false],
      ['20260103000000_later', true, false],
    ]);
    expect((await rows()).at(-1)!.checksum).toBe(sha256(later));
  });

  it('a failed two-step migration, fixed after its committed step and rolled back, resumes at the failed step: the UPDATE runs once', async () => {
    await deployedInit();
    const step1 = 'BEGIN;\nUPDATE "User" SET "name" = "name" || \'!\';\nCOMMIT;\n';
    const file = project.migration('20260102000000_two_steps', `${step1}\nBEGIN;\nINSERT INTO "Audit" ("note") VALUES ('names marked');\nCOMMIT;\n`);
    const r = await project.run(['migrate', 'deploy']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Applied: step 1 of 2 of 20260102000000_two_steps (recorded in pgsafe.migration_runs). To continue: fix the cause (edit only steps after 1 if the file must change), run `prisma migrate resolve --rolled-back 20260102000000_two_steps`, then deploy again: pgsafe resumes at step 2.');

    // The usual recovery: fix the file (after the committed step), `migrate resolve --rolled-back`, deploy.
    writeFileSync(file, `${step1}\nBEGIN;\nCREATE TABLE "Audit" ("note" TEXT);\nINSERT INTO "Audit" ("note") VALUES ('names marked');\nCOMMIT;\n`);
    await db.current.query(`UPDATE _prisma_migrations SET rolled_back_at = now() WHERE migration_name = '20260102000000_two_steps' AND finished_at IS NULL`);
    const resumed = await project.run(['migrate', 'deploy']);
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/resuming prisma:public:20260102000000_two_steps: step 1 of 2 was committed by the run at .*, the file changed only after them \(--restart starts over\)/);
    expect((await db.current.query(`SELECT count(*)::int AS n FROM "User" WHERE "name" LIKE '%!' AND "name" NOT LIKE '%!!'`)).rows[0]).toEqual({ n: 20_000 });
    expect((await db.current.query('SELECT "note" FROM "Audit"')).rows).toEqual([{ note: 'names marked' }]);
    expect((await rows()).map((row) => [row.migration_name, row.finished_at !== null, row.rolled_back_at !== null])).toEqual([
      ['20260101000000_init', true, false],
      ['20260102000000_two_steps', false, true],
      ['20260102000000_two_steps', true, false],
    ]);
  });

  it("waits on Prisma's advisory lock while another deploy runs, then finds nothing left to apply", async () => {
    await deployedInit();
    writeFileSync(`${project.dir}/pgsafe.config.json`, JSON.stringify({ run: { lockTimeout: '100ms', retryBudget: '30s', retries: 100, preflight: 'off' } }));
    project.migration('20260102000000_verified', 'ALTER TABLE "User" ADD COLUMN "verified" BOOLEAN;\n');
    const blocker = await holdLock(db.current.url, ['SELECT count(*) FROM "User"'], 'nightly-report');

    const first = project.start(['migrate', 'deploy']);
    await first.output('retry');
    const second = project.start(['migrate', 'deploy']);
    await second.output("Waiting for Prisma's advisory lock");
    const waiting = await waitUntilWaitingOnLock(db.current.url, (s) => s.applicationName === 'pgsafe-prisma' && s.query.includes('pg_advisory_lock'));
    expect(waiting.waitEvent).toBe('advisory');

    await blocker.release();
    const [a, b] = await Promise.all([first.done, second.done]);
    expect(a.code, a.stdout + a.stderr).toBe(0);
    expect(a.stdout).toContain('All migrations have been successfully applied: 20260102000000_verified');
    expect(b.code, b.stdout + b.stderr).toBe(0);
    expect(b.stdout).toContain('No pending migrations to apply.');
    expect((await rows()).map((r) => r.migration_name)).toEqual(['20260101000000_init', '20260102000000_verified']);
  });

  it('gives up waiting for the advisory lock after --lock-wait with P1002, applying nothing', async () => {
    await deployedInit();
    project.migration('20260102000000_verified', 'ALTER TABLE "User" ADD COLUMN "verified" BOOLEAN;\n');
    const other = await db.current.connect({ applicationName: 'prisma-migrate-deploy' });
    await other.query('SELECT pg_advisory_lock(72707369)');
    const r = await project.run(['migrate', 'deploy', '--lock-wait', '300ms']);
    await other.end();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('P1002');
    expect(await rows()).toHaveLength(1);
    expect(await columns('User')).toEqual(['id', 'email', 'name']);
  });

  it("keeps its tables and _prisma_migrations in the URL's ?schema=, as Prisma does", async () => {
    const other = testProject(`${db.current.url}?schema=Billing&connection_limit=3`);
    other.migration('20260101000000_init', 'CREATE TABLE "Invoice" ("id" BIGINT PRIMARY KEY);\n\nCREATE INDEX CONCURRENTLY "Invoice_id_idx" ON "Invoice"("id");\n');
    const r = await other.run(['migrate', 'deploy']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('schema "Billing"');
    expect(await tableExists('"Billing"."Invoice"')).toBe(true);
    expect(await tableExists('"Billing"."_prisma_migrations"')).toBe(true);
    expect(await tableExists('public._prisma_migrations')).toBe(false);
  });

  it('refuses migrations locked to another provider (P3019)', async () => {
    project.migration('20260101000000_init', INIT);
    writeFileSync(`${project.migrations}/migration_lock.toml`, 'provider = "mysql"\n');
    const r = await project.run(['migrate', 'deploy']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('P3019');
    expect(r.stderr).toContain('`mysql`');
    expect(await tableExists('_prisma_migrations')).toBe(false);
    writeFileSync(`${project.migrations}/migration_lock.toml`, '# Please do not edit this file manually\nprovider = "postgresql"\n');
    expect((await project.run(['migrate', 'deploy'])).code).toBe(0);
  });

  it('refuses a non-empty schema without _prisma_migrations (P3005), and reports an applied migration that was modified', async () => {
    await db.current.query('CREATE TABLE legacy (id int)');
    project.migration('20260101000000_init', INIT);
    const r = await project.run(['migrate', 'deploy']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('P3005: The database schema "public" is not empty.');
    expect(await tableExists('_prisma_migrations')).toBe(false);

    await db.current.query('DROP TABLE legacy');
    expect((await project.run(['migrate', 'deploy'])).code).toBe(0);
    writeFileSync(`${project.migrations}/20260101000000_init/migration.sql`, INIT + '-- edited\n');
    const edited = await project.run(['migrate', 'deploy']);
    expect(edited.code).toBe(0);
    expect(edited.stderr).toContain('warning: prisma/migrations/20260101000000_init/migration.sql was modified after it was applied');
  });
});
