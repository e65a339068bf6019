/** The TypeORM CLI itself (`typeorm migration:run -d data-source.mjs`) with a DataSource wrapped in withPgsafe,
 *  against real PostgreSQL with rows in the tables and real concurrent sessions. */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { columnsOf, holdLock, runNode, seedRows, steadyQueries, typecheck, useTestDatabase, waitUntilRunning, waitUntilWaitingOnLock } from '@pgsafe/testing';

const DIST = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const require = createRequire(import.meta.url);
/** TypeORM 1.x and 0.3 (what most projects run), each with its own CLI. */
const VERSIONS = [
  { label: '1.1', home: dirname(require.resolve('typeorm')) },
  { label: '0.3', home: dirname(require.resolve('typeorm-0.3')) },
];
let TYPEORM: string;
const db = useTestDatabase('typeorm_cli');
let project: string;

/** A project: data-source.mjs wrapped by pgsafe (300 ms lock_timeout, quick retries) and the given migrations. */
function makeProject(migrations: Record<string, string>, mode: 'all' | 'each' = 'all', preflight: 'wait' | 'off' = 'off', run: Record<string, unknown> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'pgsafe-typeorm-'));
  mkdirSync(join(dir, 'migrations'));
  writeFileSync(
    join(dir, 'data-source.mjs'),
    `import typeorm from ${JSON.stringify(join(TYPEORM, 'index.js'))};
import { withPgsafe } from ${JSON.stringify(DIST)};
export default withPgsafe(
  new typeorm.DataSource({ type: 'postgres', url: process.env.DATABASE_URL, migrations: ['migrations/*.mjs'], migrationsTransactionMode: '${mode}' }),
  { config: { run: ${JSON.stringify({ lockTimeout: '300ms', retryBudget: '20s', ...run })} }, policy: { lockTimeoutRamp: [1], baseDelayMs: 100, maxDelayMs: 200, jitter: 0, preflight: { mode: '${preflight}' } } },
);
`,
  );
  for (const [name, body] of Object.entries(migrations)) writeFileSync(join(dir, 'migrations', name), body);
  return dir;
}

/** A migration class as `typeorm migration:generate --esm -o` writes it. */
const migration = (name: string, up: string[], extra = '') =>
  `export class ${name} {\n    name = '${name}';\n${extra}    async up(queryRunner) {\n${up.map((q) => `        await queryRunner.query(\`${q}\`);`).join('\n')}\n    }\n    async down(queryRunner) {}\n}\n`;

/** A statement that runs until the test inserts a row into `gate` (each loop's SELECT sees newly committed rows). */
const GATE = 'DO $$ BEGIN WHILE NOT EXISTS (SELECT 1 FROM gate) LOOP PERFORM pg_sleep(0.05); END LOOP; END $$';

function typeorm(args: string[], onStderr?: (text: string) => void) {
  return runNode([join(TYPEORM, 'cli.js'), ...args, '-d', 'data-source.mjs'], {
    cwd: project,
    env: { ...process.env, DATABASE_URL: db.current.url, NO_COLOR: '1', FORCE_COLOR: '0' },
    ...(onStderr ? { onStderr } : {}),
  });
}

async function applied(): Promise<string[]> {
  const { rows } = await db.current.query<{ name: string }>('SELECT name FROM migrations ORDER BY id').catch(() => ({ rows: [] as { name: string }[] }));
  return rows.map((r) => r.name);
}

const columns = (table: string) => columnsOf(db.current, table);

async function indexState(): Promise<'valid' | 'invalid' | 'missing'> {
  const { rows } = await db.current.query<{ valid: boolean }>(`SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = to_regclass('"IDX_user_email"')`);
  return rows[0] ? (rows[0].valid ? 'valid' : 'invalid') : 'missing';
}

beforeAll(() => {
  if (!existsSync(DIST)) throw new Error('packages/typeorm is not built: run `pnpm build` (the root `pnpm test` does it)');
});

beforeEach(async () => {
  await db.current.query('DROP TABLE IF EXISTS "user", "order", migrations CASCADE');
  await db.current.query('CREATE TABLE "user" (id int PRIMARY KEY, email varchar NOT NULL)');
  await seedRows(db.current, '"user"', 20_000, { id: 'i', email: "'u' || i || '@example.com'" });
});

describe.each(VERSIONS)('typeorm $label migration:run through withPgsafe', ({ home }) => {
  beforeAll(() => {
    TYPEORM = home;
  });

  it('blocks an unsafe migration with the class name, the rule, the SQL and the recipe; nothing is recorded', async () => {
    project = makeProject({
      '1700000000001-AddNickname.mjs': migration('AddNickname1700000000001', ['ALTER TABLE "user" ADD "nickname" text']),
      '1700000000002-AddCountry.mjs': migration('AddCountry1700000000002', ['ALTER TABLE "user" ADD "country" character varying NOT NULL']),
    });
    const r = await typeorm(['migration:run']);
    const out = r.stdout + r.stderr;
    expect(r.code).toBe(1);
    expect(out).toContain('pgsafe blocked migration AddCountry1700000000002: 1 error');
    expect(out).toContain('error[adding-required-field]');
    expect(out).toContain('ALTER TABLE "user" ADD "country" character varying NOT NULL');
    expect(out).toMatch(/fix: /);
    // The inspected error shows the message only, not the findings' objects.
    expect(out).not.toContain('findings: [');
    expect(await applied()).toEqual([]);
    expect(await columns('user')).toEqual(['id', 'email']);
  });

  it('judges the pending migrations as one batch: a fresh install of a history passes, the same change on a loaded table is refused with its size', async () => {
    const history = {
      '1700000000010-Orders.mjs': migration('Orders1700000000010', ['CREATE TABLE "order" ("id" integer PRIMARY KEY, "userId" integer, "total" integer, "note" text)']),
      '1700000000011-OrderLinks.mjs': migration('OrderLinks1700000000011', [
        'CREATE INDEX "IDX_order_userId" ON "order" ("userId") ',
        'ALTER TABLE "order" ADD CONSTRAINT "FK_order_user" FOREIGN KEY ("userId") REFERENCES "user"("id") ON DELETE NO ACTION ON UPDATE NO ACTION',
        'ALTER TABLE "order" RENAME COLUMN "note" TO "remark"',
        'ALTER TABLE "order" ALTER COLUMN "total" TYPE bigint',
        'ALTER TABLE "order" ADD "region" character varying NOT NULL',
      ]),
    };
    project = makeProject(history);
    const fresh = await typeorm(['migration:run']);
    expect(fresh.code, fresh.stdout + fresh.stderr).toBe(0);
    expect(fresh.stderr).toContain('pgsafe: OrderLinks1700000000011: let through require-concurrent-index-creation (');
    expect(fresh.stderr).toContain('"order" has 0 rows; created earlier in this deploy by Orders1700000000010: no running application uses it yet');
    expect(await applied()).toEqual(['Orders1700000000010', 'OrderLinks1700000000011']);

    // The same kind of change on "user", in use and large for this project's threshold: refused, with the size.
    await db.current.query('ANALYZE "user"');
    project = makeProject({ ...history, '1700000000012-UserEmail.mjs': migration('UserEmail1700000000012', ['CREATE INDEX "IDX_user_email" ON "user" ("email") ']) }, 'all', 'off', { largeTableRows: 10_000 });
    const loaded = await typeorm(['migration:run']);
    const out = loaded.stdout + loaded.stderr;
    expect(loaded.code).toBe(1);
    expect(out).toContain('pgsafe blocked migration UserEmail1700000000012');
    expect(out).toMatch(/live: "user" has ~20,000 rows \(estimate, pg_class\.reltuples\): at or above the large-table threshold of 10,000[\s|]+rows/);
    expect(await applied()).toEqual(['Orders1700000000010', 'OrderLinks1700000000011']);
  });

  it("runs the generator's @Index({ concurrent: true }) migration once it opts out of the transaction, and says how when it does not", async () => {
    const index = 'CREATE INDEX CONCURRENTLY "IDX_e12875dfb3b1d92d7d7c5377e2" ON "user" ("email") ';
    project = makeProject({ '1700000000003-IndexEmail.mjs': migration('IndexEmail1700000000003', [index]) });
    const refused = await typeorm(['migration:run']);
    expect(refused.code).toBe(1);
    const said = refused.stdout + refused.stderr;
    // At the first refusal, all of it: transaction = false alone would fail with TypeORM's own error in mode "all".
    expect(said).toContain("hint: TypeORM runs all pending migrations in one transaction (migrationsTransactionMode 'all'), and in that mode refuses a migration's own `transaction = false` (ForbiddenTransactionModeOverrideError). Set `migrationsTransactionMode: 'each'`");
    expect(said).not.toMatch(/│ COMMIT/);
    expect(await applied()).toEqual([]);

    // transaction = false alone: TypeORM's own refusal in mode "all", with what else it needs.
    project = makeProject({ '1700000000003-IndexEmail.mjs': migration('IndexEmail1700000000003', [index], '    transaction = false;\n') }, 'all');
    const forbidden = await typeorm(['migration:run']);
    expect(forbidden.code).toBe(1);
    expect(forbidden.stdout + forbidden.stderr).toContain('override the transaction mode, but the global transaction mode is "all"');
    expect(forbidden.stdout + forbidden.stderr).toContain("pgsafe: TypeORM accepts a migration's own `transaction = false` only with `migrationsTransactionMode: 'each'`");

    project = makeProject({ '1700000000003-IndexEmail.mjs': migration('IndexEmail1700000000003', [index], '    transaction = false;\n') }, 'each');
    const r = await typeorm(['migration:run']);
    expect(r.code).toBe(0);
    expect(await applied()).toEqual(['IndexEmail1700000000003']);
    const valid = await db.current.query<{ indisvalid: boolean }>(`SELECT indisvalid FROM pg_index WHERE indexrelid = '"IDX_e12875dfb3b1d92d7d7c5377e2"'::regclass`);
    expect(valid.rows).toEqual([{ indisvalid: true }]);
  });

  it('waits out a long transaction with short lock timeouts and retries; the app never queues behind the ALTER', async () => {
    project = makeProject({ '1700000000004-AddNote.mjs': migration('AddNote1700000000004', ['ALTER TABLE "user" ADD "note" text']) });
    const blocker = await holdLock(db.current.url, ['SELECT count(*) FROM "user"'], 'report');
    const app = await steadyQueries(db.current.url, () => `SELECT email FROM "user" WHERE id = ${1 + Math.floor(Math.random() * 20_000)}`, { applicationName: 'app', pauseMs: 5 });
    const running = typeorm(['migration:run']);
    // The CLI takes seconds to start under load: release the reader 2 s after the ALTER first waits behind it.
    try {
      // A CLI under load can take long to start: wait for it; whatever happens, the reader ends with the test.
      await waitUntilWaitingOnLock(db.current.url, (s) => /ALTER TABLE "user" ADD "note"/.test(s.query), 120_000);
      await new Promise((resolve) => setTimeout(resolve, 2000));
    } finally {
      await blocker.release();
    }
    const r = await running;
    const seen = await app.stop();

    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/pgsafe: AddNote1700000000004: canceling statement due to lock timeout \(lock_timeout 300ms, attempt 1\); trying again in \d+ms; blocked by pid \d+ \(idle in transaction for [\d.]+(?:ms|s|min), transaction [\d.]+(?:ms|s|min), holds ACCESS SHARE on "user", app "report"\): SELECT count\(\*\) FROM "user"/);
    expect(await applied()).toEqual(['AddNote1700000000004']);
    expect(seen.errors).toEqual([]);
    expect(seen.max).toBeLessThan(300 + 300);
  }, 180_000);

  it('pre-flight: names the long transaction and waits for it before sending the ALTER, as pgsafe run does; the app never queues', async () => {
    project = makeProject({ '1700000000004-AddNote.mjs': migration('AddNote1700000000004', ['ALTER TABLE "user" ADD "note" text']) }, 'all', 'wait');
    const blocker = await holdLock(db.current.url, ['SELECT count(*) FROM "user"'], 'report');
    const app = await steadyQueries(db.current.url, () => `SELECT email FROM "user" WHERE id = ${1 + Math.floor(Math.random() * 20_000)}`, { applicationName: 'app', pauseMs: 5 });
    let released: Promise<void> | undefined;
    const r = await typeorm(['migration:run'], (stderr) => {
      if (!released && /pre-flight: waiting for/.test(stderr)) released = new Promise((resolve) => setTimeout(resolve, 1500)).then(() => blocker.release());
    });
    await released;
    await blocker.release(); // also when the CLI failed before naming it
    const seen = await app.stop();

    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/pgsafe: AddNote1700000000004: pre-flight: waiting for pid \d+ \(idle in transaction for [\d.]+(?:ms|s|min), transaction [\d.]+(?:ms|s|min), holds ACCESS SHARE on "user", app "report"\): SELECT count\(\*\) FROM "user"/);
    expect(r.stderr).not.toContain('canceling statement due to lock timeout');
    expect(await applied()).toEqual(['AddNote1700000000004']);
    expect(seen.errors).toEqual([]);
    // Without pre-flight the ALTER would queue behind the report, and the app behind it, for the 1.5 s until its
    // release (and more under load); with it the app sees its usual latency (margin for a loaded 2-core machine).
    expect(seen.max).toBeLessThan(1000);
  }, 180_000);

  it('makes a second concurrent migration:run wait for the first instead of applying the same migrations twice', async () => {
    // The first run stays inside its migration until the test opens the gate, so the second surely finds it there
    // (a fixed head start loses to a slow ORM start on a loaded machine).
    await db.current.query('DROP TABLE IF EXISTS gate; CREATE TABLE gate (opened int)');
    project = makeProject({ '1700000000005-Slow.mjs': migration('Slow1700000000005', ['ALTER TABLE "user" ADD "slow" text', GATE]) });
    const first = typeorm(['migration:run']);
    await waitUntilRunning(db.current.url, /FROM gate/, 120_000);
    const second = typeorm(['migration:run']);
    await waitUntilWaitingOnLock(db.current.url, (s) => /pg_advisory_lock/.test(s.query), 120_000);
    await db.current.query('INSERT INTO gate VALUES (1)');
    const [a, b] = await Promise.all([first, second]);
    expect([a.code, b.code], a.stderr + b.stderr).toEqual([0, 0]);
    expect(b.stderr).toMatch(/pgsafe: another migration run holds the migration lock \(pid \d+\); waiting for it to finish/);
    expect(await applied()).toEqual(['Slow1700000000005']);
    expect(b.stdout).toContain('No migrations are pending');
  }, 180_000);

  it('killed (SIGKILL) during CREATE INDEX CONCURRENTLY and run again at once: the build it left is not taken for the index, which ends VALID', async () => {
    // IF NOT EXISTS, as migrations written to be rerun say: it would skip the name of a half-built, INVALID index.
    const index = 'CREATE INDEX CONCURRENTLY IF NOT EXISTS "IDX_user_email" ON "user" ("email")';
    project = makeProject({ '1700000000006-IndexEmail.mjs': migration('IndexEmail1700000000006', [index], '    transaction = false;\n') }, 'each');
    // The app writer's open transaction makes the build wait (for older writers), long enough to kill TypeORM.
    const writer = await holdLock(db.current.url, ["INSERT INTO \"user\" (id, email) VALUES (100001, 'writer')"], 'app-writer');
    const killed = spawn(process.execPath, [join(TYPEORM, 'cli.js'), 'migration:run', '-d', 'data-source.mjs'], { cwd: project, env: { ...process.env, DATABASE_URL: db.current.url }, stdio: 'ignore' });
    const gone = new Promise((resolve) => killed.on('close', resolve));
    try {
      await waitUntilWaitingOnLock(db.current.url, (s) => /CREATE INDEX CONCURRENTLY/.test(s.query), 120_000);
      killed.kill('SIGKILL');
      await gone;
      expect(await indexState()).toBe('invalid');
      const again = typeorm(['migration:run']);
      // The writer ends once the rerun is under way: its build waits for it too.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      await writer.release('rollback');
      const r = await again;
      expect(r.code, r.stdout + r.stderr).toBe(0);
      // The killed run's session ended (PostgreSQL 14+ checks for its client every second) or was waited for; either
      // way its INVALID index was dropped and built again, not skipped by IF NOT EXISTS.
      expect(r.stderr).toContain('pgsafe: IndexEmail1700000000006: dropped the INVALID index public."IDX_user_email" a failed concurrent build left');
      expect(r.stderr).not.toContain('deadlock'); // the rerun's build against the killed one's
      expect(await indexState()).toBe('valid');
      expect(await applied()).toEqual(['IndexEmail1700000000006']);
    } finally {
      await writer.release('rollback');
    }
  }, 180_000);
});

describe.each(VERSIONS)('typeorm $label: the transaction of mode "all" spans migrations (issue 18, step 3)', ({ home }) => {
  beforeAll(() => {
    TYPEORM = home;
  });
  const validated = async () => (await db.current.query<{ convalidated: boolean }>("SELECT convalidated FROM pg_constraint WHERE conname = 'user_email_check'")).rows;
  const history = {
    '1700000000001-EmailCheck.mjs': migration('EmailCheck1700000000001', [`ALTER TABLE "user" ADD CONSTRAINT user_email_check CHECK (email <> '') NOT VALID`]),
    '1700000000002-EmailValidate.mjs': migration('EmailValidate1700000000002', ['ALTER TABLE "user" VALIDATE CONSTRAINT user_email_check']),
  };

  it("refuses VALIDATE in the migration after the NOT VALID add in mode 'all'; passes it in mode 'each'", async () => {
    project = makeProject(history, 'all', 'off', { largeTableRows: 1_000 });
    const all = await typeorm(['migration:run']);
    expect(all.code).toBe(1);
    expect(all.stderr).toContain('[validate-constraint-in-same-transaction]');
    expect(all.stderr).toContain('(line 1 of migration EmailCheck1700000000001): migration EmailCheck1700000000001 ran in this same database transaction, still open');
    expect(all.stderr).toContain("Set `migrationsTransactionMode: 'each'`");
    expect(await applied()).toEqual([]);
    expect(await validated()).toEqual([]);

    project = makeProject(history, 'each', 'off', { largeTableRows: 1_000 });
    const each = await typeorm(['migration:run']);
    expect(each.code, each.stderr).toBe(0);
    expect(await applied()).toEqual(['EmailCheck1700000000001', 'EmailValidate1700000000002']);
    expect(await validated()).toEqual([{ convalidated: true }]);
  });

  it("never refuses pgsafe fix's own output (NOT VALID and VALIDATE in separate transactions of one migration), on a loaded table", async () => {
    const { fix, loadParser, parseMigration, renderTypeormMigrations } = await import('@pgsafe/core');
    await loadParser();
    const result = fix(parseMigration(`ALTER TABLE "user" ADD CONSTRAINT user_email_check CHECK (email <> '');`, 'email-check.sql'));
    const fixed = Object.fromEntries(renderTypeormMigrations(result, '1700000000002-EmailCheck').map((f) => [f.path.replace(/\.js$/, '.mjs'), f.sql]));
    project = makeProject({ '1700000000001-Nickname.mjs': migration('Nickname1700000000001', ['ALTER TABLE "user" ADD COLUMN nickname text']), ...fixed }, 'each', 'off', { largeTableRows: 1_000 });
    const r = await typeorm(['migration:run']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('pgsafe blocked');
    expect(await applied()).toEqual(['Nickname1700000000001', 'EmailCheck1700000000002']);
    expect(await validated()).toEqual([{ convalidated: true }]);
    expect((await db.current.query('SELECT count(*)::int AS n FROM "user"')).rows).toEqual([{ n: 20_000 }]);
  });
});

describe.each(VERSIONS)("typeorm $label: pgsafe fix's output rolls back with migration:revert", ({ home }) => {
  beforeAll(() => {
    TYPEORM = home;
  });
  const state = async () => {
    const client = await db.current.connect();
    try {
      return await (await import('@pgsafe/core')).endState(client, { ignoreTables: ['public.migrations', 'public.migrations_id_seq'] });
    } finally {
      await client.end();
    }
  };

  it('migration:run, then migration:revert: the schema and rows end as before (backfilled column, index CONCURRENTLY, NOT NULL)', async () => {
    const { diffEndStates, fix, historySchema, loadParser, parseMigration, renderTypeormMigrations } = await import('@pgsafe/core');
    await loadParser();
    const migration = parseMigration('ALTER TABLE "user" ADD COLUMN country text NOT NULL;\nCREATE INDEX user_email_idx ON "user" (email);', 'country.sql');
    const result = fix(migration, { values: { country: "'xx'" }, schema: historySchema([parseMigration('CREATE TABLE "user" (id int PRIMARY KEY, email varchar NOT NULL);', 'earlier.sql')], migration) });
    const files = renderTypeormMigrations(result, '1700000000003-Country');
    expect(files).toHaveLength(1);
    expect(files[0]!.sql).toContain('await queryRunner.query(`DROP INDEX CONCURRENTLY IF EXISTS user_email_idx`);');
    project = makeProject(Object.fromEntries(files.map((f) => [f.path.replace(/\.js$/, '.mjs'), f.sql])), 'each', 'off', { largeTableRows: 1_000 });
    const before = await state();
    const up = await typeorm(['migration:run']);
    expect(up.code, up.stderr).toBe(0);
    expect(await columns('user')).toEqual(['id', 'email', 'country']);
    expect(diffEndStates(before, await state())).not.toEqual([]);
    // TypeORM wraps a revert in a transaction unless told not to: the down() refuses before doing anything.
    const wrapped = await typeorm(['migration:revert']);
    expect(wrapped.code).toBe(1);
    expect(wrapped.stdout + wrapped.stderr).toContain('Country1700000000003: down() drops an index CONCURRENTLY, which cannot run in the transaction TypeORM opens around a revert: run typeorm migration:revert --transaction none. Nothing was rolled back');
    expect(await applied()).toEqual(['Country1700000000003']);
    const down = await typeorm(['migration:revert', '--transaction', 'none']);
    expect(down.code, down.stdout + down.stderr).toBe(0);
    expect(await applied()).toEqual([]);
    expect(diffEndStates(before, await state())).toEqual([]);
  });
});

describe("pgsafe fix's TypeORM output in TypeScript", () => {
  it('compiles with the real tsc (strict, TypeORM types), every deploy and both kinds of down()', async () => {
    const { fix, historySchema, loadParser, parseMigration, renderTypeormMigrations } = await import('@pgsafe/core');
    await loadParser();
    const migration = parseMigration('ALTER TABLE "user" ADD COLUMN country text NOT NULL;\nCREATE INDEX user_email_idx ON "user" (email);\nALTER TABLE "user" DROP COLUMN email;', 'country.sql');
    const result = fix(migration, { values: { country: "'xx'" }, schema: historySchema([parseMigration('CREATE TABLE "user" (id int PRIMARY KEY, email varchar NOT NULL);', 'earlier.sql')], migration) });
    const files = renderTypeormMigrations(result, '1700000000003-Country', { esm: true, typescript: true, ext: '.ts' });
    expect(files.map((f) => f.path)).toEqual(['1700000000003-Country.ts', '../pgsafe-deploy-2/1700000000004-CountryDeploy2.ts']);
    expect(files[1]!.sql).toContain('no automatic rollback');
    // The probe fails to compile unless TypeORM's types are really there (an `any` would accept it).
    const probe = "import type { QueryRunner } from 'typeorm';\nexport async function probe(queryRunner: QueryRunner): Promise<void> {\n  // @ts-expect-error: no such method\n  await queryRunner.querySql('SELECT 1');\n}\n";
    const tsc = await typecheck(fileURLToPath(new URL('..', import.meta.url)), { ...Object.fromEntries(files.map((f) => [basename(f.path), f.sql])), 'probe.ts': probe });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.code).toBe(0);
  });
});
