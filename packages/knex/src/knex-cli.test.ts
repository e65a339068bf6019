/** The knex CLI itself (`knex migrate:latest`) with a knexfile that wraps its config in withPgsafe, against real
 *  PostgreSQL with rows in the tables and real concurrent sessions. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { columnsOf, holdLock, pgsafe, runNode, seedRows, steadyQueries, typecheck, useTestDatabase, waitUntilWaitingOnLock, withDatabase } from '@pgsafe/testing';
import { node22 } from '@pgsafe/testing/node22';

const DIST = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const KNEX = dirname(createRequire(import.meta.url).resolve('knex/package.json'));
const db = useTestDatabase('knex_cli');
let project: string;

/** A knex project: a knexfile guarded by pgsafe (300 ms lock_timeout, quick retries; pre-flight off unless asked)
 *  and the given migrations. */
function makeProject(migrations: Record<string, string>, preflight: 'wait' | 'off' = 'off', run: Record<string, unknown> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'pgsafe-knex-'));
  mkdirSync(join(dir, 'migrations'));
  writeFileSync(
    join(dir, 'knexfile.mjs'),
    `import { withPgsafe } from ${JSON.stringify(DIST)};
export default withPgsafe(
  { client: 'pg', connection: process.env.DATABASE_URL, migrations: { directory: './migrations' } },
  { config: { run: ${JSON.stringify({ lockTimeout: '300ms', retryBudget: '20s', ...run })} }, policy: { lockTimeoutRamp: [1], baseDelayMs: 100, maxDelayMs: 200, jitter: 0, preflight: { mode: '${preflight}' } } },
);
`,
  );
  for (const [name, body] of Object.entries(migrations)) writeFileSync(join(dir, 'migrations', name), body);
  return dir;
}

function knex(args: string[], onStderr?: (text: string) => void) {
  return runNode([join(KNEX, 'bin/cli.js'), '--knexfile', join(project, 'knexfile.mjs'), ...args], {
    env: { ...process.env, DATABASE_URL: db.current.url, KNEX_PATH: KNEX, NO_COLOR: '1' },
    ...(onStderr ? { onStderr } : {}),
  });
}

const migration = (up: string, extra = '') => `${extra}exports.up = async (knex) => {\n${up}\n};\nexports.down = async () => {};\n`;

async function applied(): Promise<string[]> {
  const { rows } = await db.current.query<{ name: string }>("SELECT name FROM knex_migrations ORDER BY id").catch(() => ({ rows: [] as { name: string }[] }));
  return rows.map((r) => r.name);
}

const columns = (table: string) => columnsOf(db.current, table);

beforeAll(() => {
  if (!existsSync(DIST)) throw new Error('packages/knex is not built: run `pnpm build` (the root `pnpm test` does it)');
});

beforeEach(async () => {
  await db.current.query('DROP TABLE IF EXISTS users, posts, seen, accounts, knex_migrations, knex_migrations_lock CASCADE');
  await db.current.query('CREATE TABLE users (id int PRIMARY KEY, email text)');
  await seedRows(db.current, 'users', 20_000, { id: 'i', email: "'u' || i || '@example.com'" });
});

describe('knex migrate:latest through withPgsafe', () => {
  it('blocks an unsafe migration with the rule, the file, the SQL and the recipe; knex rolls back the batch and records nothing', async () => {
    project = makeProject({
      '20240101000000_add_nickname.js': migration("await knex.schema.alterTable('users', (t) => { t.string('nickname'); });"),
      '20240102000000_add_country.js': migration("await knex.schema.alterTable('users', (t) => { t.string('country').notNullable(); });"),
    });
    const r = await knex(['migrate:latest']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('pgsafe blocked migration 20240102000000_add_country.js');
    expect(r.stderr).toContain('[adding-required-field]');
    expect(r.stderr).toContain('alter table "users" add column "country" varchar(255) not null');
    expect(r.stderr).toMatch(/fix: /);
    // One transaction for the whole batch (knex's default): the first migration is rolled back with it.
    expect(await applied()).toEqual([]);
    expect(await columns('users')).toEqual(['id', 'email']);
  });

  it('judges the pending migrations as one batch: a fresh install of a history passes, the same change on a loaded table is refused with its size', async () => {
    const history = {
      '20240101000000_orders.js': migration("await knex.schema.createTable('orders', (t) => { t.integer('id').primary(); t.integer('user_id'); t.integer('total'); t.text('note'); });"),
      '20240102000000_order_links.js': migration(
        [
          "await knex.schema.alterTable('orders', (t) => { t.index(['user_id']); t.foreign('user_id').references('users.id'); t.renameColumn('note', 'remark'); });",
          "await knex.raw('ALTER TABLE orders ALTER COLUMN total TYPE bigint');",
          "await knex.schema.alterTable('orders', (t) => { t.text('region').notNullable(); });",
        ].join('\n'),
      ),
    };
    project = makeProject(history);
    const fresh = await knex(['migrate:latest']);
    expect(fresh.code, fresh.stderr).toBe(0);
    const why = 'orders has 0 rows; created earlier in this deploy by 20240101000000_orders.js: no running application uses it yet';
    expect(fresh.stderr).toContain(`pgsafe: 20240102000000_order_links.js: let through require-concurrent-index-creation (`);
    expect(fresh.stderr).toContain(why);
    expect(fresh.stderr).not.toContain('pgsafe blocked');
    expect(await applied()).toEqual(Object.keys(history));

    // The same kind of change on users, in use and large for this project's threshold: refused, with the size.
    await db.current.query('ANALYZE users');
    project = makeProject({ ...history, '20240103000000_users_email.js': migration("await knex.schema.alterTable('users', (t) => { t.index(['email']); });") }, 'off', { largeTableRows: 10_000 });
    const loaded = await knex(['migrate:latest']);
    expect(loaded.code).toBe(1);
    expect(loaded.stderr).toContain('pgsafe blocked migration 20240103000000_users_email.js');
    expect(loaded.stderr).toMatch(/live: users has ~20,000 rows \(estimate, pg_class\.reltuples\): at or above the large-table threshold of 10,000[\s|]+rows/);
    expect(await applied()).toEqual(Object.keys(history));
  });

  it('applies a safe batch, with the concurrent index built outside a transaction in the migration that opts out', async () => {
    project = makeProject({
      '20240101000000_add_nickname.js': migration("await knex.schema.alterTable('users', (t) => { t.specificType('seen_at', 'timestamp').defaultTo(knex.fn.now()); });"),
      '20240102000000_index_email.js': migration("await knex.raw('CREATE INDEX CONCURRENTLY users_email_idx ON users (email)');", 'exports.config = { transaction: false };\n'),
    });
    const r = await knex(['migrate:latest']);
    expect(r.code).toBe(0);
    // Warnings are printed, never blocking.
    expect(r.stderr).toContain('pgsafe: warning in migration 20240101000000_add_nickname.js:');
    expect(r.stderr).toContain('warning[prefer-timestamp-tz]');
    expect(r.stderr).not.toContain('error[');
    expect(r.stdout).toContain('Batch 1 run: 2 migrations');
    expect(await applied()).toEqual(['20240101000000_add_nickname.js', '20240102000000_index_email.js']);
    const index = await db.current.query<{ indisvalid: boolean }>("SELECT indisvalid FROM pg_index WHERE indexrelid = 'users_email_idx'::regclass");
    expect(index.rows).toEqual([{ indisvalid: true }]);
  });

  it('refuses CREATE INDEX CONCURRENTLY inside the migration transaction and says how to opt out', async () => {
    project = makeProject({
      '20240103000000_index_email.js': migration("await knex.raw('CREATE INDEX CONCURRENTLY users_email_idx ON users (email)');"),
    });
    const r = await knex(['migrate:latest']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[ban-concurrent-index-creation-in-transaction]');
    expect(r.stderr).toContain('hint: knex runs this migration in a transaction (by default one transaction for all pending migrations).');
    expect(r.stderr).toContain('in a migration file of their own with `exports.config = { transaction: false }`');
    // The SQL-file recipe ends the transaction with COMMIT: never suggested inside knex's transaction.
    expect(r.stderr).not.toMatch(/│ COMMIT/);
    expect(await applied()).toEqual([]);
  });

  it('waits out a long transaction with short lock timeouts and retries: the app never queues behind the ALTER, and the migration lands', async () => {
    project = makeProject({
      '20240104000000_add_note.js': migration("await knex.schema.alterTable('users', (t) => { t.text('note'); });"),
    });
    const blocker = await holdLock(db.current.url, ['SELECT count(*) FROM users'], 'report');
    const app = await steadyQueries(db.current.url, () => `SELECT email FROM users WHERE id = ${1 + Math.floor(Math.random() * 20_000)}`, { applicationName: 'app', pauseMs: 5 });
    const running = knex(['migrate:latest']);
    // The CLI takes seconds to start under load: release the reader 2 s after the ALTER first waits behind it.
    try {
      // A CLI under load can take long to start: wait for it; whatever happens, the reader ends with the test.
      await waitUntilWaitingOnLock(db.current.url, (s) => /alter table "users" add column "note"/.test(s.query), 120_000);
      await new Promise((resolve) => setTimeout(resolve, 2000));
    } finally {
      await blocker.release();
    }
    const r = await running;
    const seen = await app.stop();

    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/pgsafe: 20240104000000_add_note\.js: canceling statement due to lock timeout \(lock_timeout 300ms, attempt 1\); trying again in \d+ms; blocked by pid \d+ \(idle in transaction for [\d.]+(?:ms|s|min), transaction [\d.]+(?:ms|s|min), holds ACCESS SHARE on users, app "report"\): SELECT count\(\*\) FROM users/);
    expect(await applied()).toEqual(['20240104000000_add_note.js']);
    expect(await columns('users')).toEqual(['id', 'email', 'note']);
    expect(seen.errors).toEqual([]);
    // Without the guard the app would have waited ~2 s behind the queued ALTER.
    expect(seen.max).toBeLessThan(300 + 300);
  }, 180_000);

  it('pre-flight: names the long transaction and waits for it before sending the ALTER, as pgsafe run does; the app never queues', async () => {
    project = makeProject({ '20240104000000_add_note.js': migration("await knex.schema.alterTable('users', (t) => { t.text('note'); });") }, 'wait');
    const blocker = await holdLock(db.current.url, ['SELECT count(*) FROM users'], 'report');
    const app = await steadyQueries(db.current.url, () => `SELECT email FROM users WHERE id = ${1 + Math.floor(Math.random() * 20_000)}`, { applicationName: 'app', pauseMs: 5 });
    let released: Promise<void> | undefined;
    const r = await knex(['migrate:latest'], (stderr) => {
      if (!released && /pre-flight: waiting for/.test(stderr)) released = new Promise((resolve) => setTimeout(resolve, 1500)).then(() => blocker.release());
    });
    await released;
    await blocker.release(); // also when the CLI failed before naming it
    const seen = await app.stop();

    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/pgsafe: 20240104000000_add_note\.js: pre-flight: waiting for pid \d+ \(idle in transaction for [\d.]+(?:ms|s|min), transaction [\d.]+(?:ms|s|min), holds ACCESS SHARE on users, app "report"\): SELECT count\(\*\) FROM users/);
    expect(r.stderr).toMatch(/pre-flight: the blocking sessions are gone after \d+ms/);
    expect(r.stderr).not.toContain('canceling statement due to lock timeout');
    expect(await columns('users')).toEqual(['id', 'email', 'note']);
    expect(seen.errors).toEqual([]);
    // Without pre-flight the ALTER would queue behind the report, and the app behind it, for the 1.5 s until its
    // release (and more under load); with it the app sees its usual latency (margin for a loaded 2-core machine).
    expect(seen.max).toBeLessThan(1000);
  }, 180_000);

  it('is invisible to migration code: the client name, dialect and config a migration reads are those of the knexfile', async () => {
    // As joplin's isPostgres(db) does: PostgreSQL-only statements behind a check of knex.client.config.client.
    project = makeProject({
      '20240106000000_pg_only.js': migration(`const c = knex.client;
  await knex.raw('CREATE TABLE seen (client text, dialect text, driver text)');
  await knex('seen').insert({ client: String(c.config.client), dialect: c.dialect, driver: c.driverName });
  if (c.config.client === 'pg') await knex.raw('CREATE INDEX seen_client_idx ON seen (client)');`),
    });
    const r = await knex(['migrate:latest']);
    expect(r.code).toBe(0);
    expect((await db.current.query('SELECT client, dialect, driver FROM seen')).rows).toEqual([{ client: 'pg', dialect: 'postgresql', driver: 'pg' }]);
    expect((await db.current.query("SELECT to_regclass('seen_client_idx') IS NOT NULL AS built")).rows).toEqual([{ built: true }]);
  });

  it('leaves the rollback (down) unblocked, reporting its findings', async () => {
    project = makeProject({
      '20240105000000_create_posts.js': `exports.up = (knex) => knex.schema.createTable('posts', (t) => { t.increments('id'); });\nexports.down = (knex) => knex.schema.dropTable('posts');\n`,
    });
    expect((await knex(['migrate:latest'])).code).toBe(0);
    const r = await knex(['migrate:rollback']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('[ban-drop-table]');
    expect(await applied()).toEqual([]);
  });
});

/** A CHECK added NOT VALID, then validated: as `pgsafe fix` writes it for knex, and as two migrations. */
async function fixedCheck(name: string) {
  const { fix, loadParser, parseMigration, renderKnexMigrations } = await import('@pgsafe/core');
  await loadParser();
  const result = fix(parseMigration("ALTER TABLE users ADD CONSTRAINT users_email_check CHECK (email <> '');", `${name}.sql`));
  return Object.fromEntries(renderKnexMigrations(result, name).map((f) => [f.path, f.sql]));
}

const validated = async () => (await db.current.query<{ convalidated: boolean }>("SELECT convalidated FROM pg_constraint WHERE conname = 'users_email_check'")).rows;

describe('knex: the batch transaction spans migrations (issue 18, step 3)', () => {
  const notValid = migration("await knex.raw(\"ALTER TABLE users ADD CONSTRAINT users_email_check CHECK (email <> '') NOT VALID\");");
  const validate = migration("await knex.raw('ALTER TABLE users VALIDATE CONSTRAINT users_email_check');");

  it('refuses VALIDATE in the migration after the NOT VALID add: knex runs both in one transaction, which still holds the ADD\'s lock', async () => {
    project = makeProject({ '20240201000000_check.js': notValid, '20240202000000_validate.js': validate }, 'off', { largeTableRows: 1_000 });
    const r = await knex(['migrate:latest']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('pgsafe blocked migration 20240202000000_validate.js');
    expect(r.stderr).toContain('[validate-constraint-in-same-transaction]');
    expect(r.stderr).toContain('the NOT VALID add (line 1 of migration 20240201000000_check.js): migration 20240201000000_check.js ran in this same database transaction, still open');
    expect(r.stderr).toContain('hint: knex runs this migration in a transaction');
    expect(await applied()).toEqual([]);
    expect(await validated()).toEqual([]);
  });

  it('passes the same two migrations when the second runs outside the batch transaction (knex then runs each in its own)', async () => {
    project = makeProject({ '20240201000000_check.js': notValid, '20240202000000_validate.js': validate.replace('exports.up', 'exports.config = { transaction: false };\nexports.up') }, 'off', { largeTableRows: 1_000 });
    const r = await knex(['migrate:latest']);
    expect(r.code, r.stderr).toBe(0);
    expect(await applied()).toEqual(['20240201000000_check.js', '20240202000000_validate.js']);
    expect(await validated()).toEqual([{ convalidated: true }]);
  });

  it("never refuses pgsafe fix's own output (NOT VALID and VALIDATE in separate knex.transaction()s of one migration), on a loaded table, in a batch", async () => {
    const fixed = await fixedCheck('20240202000000_email_check');
    expect(Object.keys(fixed)).toEqual(['20240202000000_email_check.js']);
    project = makeProject({ '20240201000000_add_nickname.js': migration("await knex.schema.alterTable('users', (t) => { t.text('nickname'); });"), ...fixed }, 'off', { largeTableRows: 1_000 });
    const r = await knex(['migrate:latest']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('pgsafe blocked');
    expect(await applied()).toEqual(['20240201000000_add_nickname.js', '20240202000000_email_check.js']);
    expect(await validated()).toEqual([{ convalidated: true }]);
    expect((await db.current.query('SELECT count(*)::int AS n FROM users')).rows).toEqual([{ n: 20_000 }]);
  });

  it("refuses a whole-table UPDATE in the migration after an ALTER of the same batch: the ALTER's ACCESS EXCLUSIVE lock is held through it", async () => {
    project = makeProject({
      '20240201000000_status.js': migration("await knex.schema.alterTable('users', (t) => { t.text('status'); });"),
      '20240202000000_backfill.js': migration("await knex('users').update({ status: 'new' });"),
    }, 'off', { largeTableRows: 1_000 });
    const r = await knex(['migrate:latest']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('pgsafe blocked migration 20240202000000_backfill.js');
    expect(r.stderr).toContain('[backfill-in-schema-migration]');
    expect(r.stderr).toContain('runs in the same transaction as the DDL on line 1 of migration 20240201000000_status.js, which holds ACCESS EXCLUSIVE on users');
    expect(await applied()).toEqual([]);
    expect(await columns('users')).toEqual(['id', 'email']);
  });

  it('lets a fresh install through: NOT VALID and VALIDATE in one batch on a table an earlier migration of it created', async () => {
    project = makeProject({
      '20240201000000_accounts.js': migration("await knex.raw('CREATE TABLE accounts (id int PRIMARY KEY, email text)');"),
      '20240202000000_check.js': migration("await knex.raw(\"ALTER TABLE accounts ADD CONSTRAINT accounts_email_check CHECK (email <> '') NOT VALID\");"),
      '20240203000000_validate.js': migration("await knex.raw('ALTER TABLE accounts VALIDATE CONSTRAINT accounts_email_check');"),
    });
    const r = await knex(['migrate:latest']);
    expect(r.code, r.stderr).toBe(0);
    // The lock is on a table no running application knows: nothing to report.
    expect(r.stderr).not.toContain('validate-constraint-in-same-transaction');
    expect(await applied()).toHaveLength(3);
  });
});

/** What `pgsafe fix --runner knex` writes for `sql` on this users table (the history shows its key). */
async function fixedFiles(sql: string, name: string, format?: import('@pgsafe/core').ModuleFormat) {
  const { fix, historySchema, loadParser, parseMigration, renderKnexMigrations } = await import('@pgsafe/core');
  await loadParser();
  const migration = parseMigration(sql, `${name}.sql`);
  const result = fix(migration, { values: { country: "'xx'" }, schema: historySchema([parseMigration('CREATE TABLE users (id int PRIMARY KEY, email text);', 'earlier.sql')], migration) });
  return renderKnexMigrations(result, name, format);
}

describe("pgsafe fix's knex output: knex's migrate:rollback runs its down()", () => {
  const state = async () => {
    const client = await db.current.connect();
    try {
      return await (await import('@pgsafe/core')).endState(client, { ignoreTables: ['public.knex_migrations', 'public.knex_migrations_lock', 'public.knex_migrations_id_seq', 'public.knex_migrations_lock_index_seq'] });
    } finally {
      await client.end();
    }
  };

  it('migrate:latest, then migrate:rollback: the schema and rows end as before (index CONCURRENTLY, constraint, backfilled column)', async () => {
    const [file, ...later] = await fixedFiles("ALTER TABLE users ADD COLUMN country text NOT NULL;\nCREATE INDEX users_email_idx ON users (email);\nALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);", '20240301000000_country');
    expect(later).toEqual([]);
    expect(file!.sql).toContain('await knex.raw(`DROP INDEX CONCURRENTLY IF EXISTS users_email_idx`);');
    project = makeProject({ [file!.path]: file!.sql }, 'off', { largeTableRows: 1_000 });
    const before = await state();
    const up = await knex(['migrate:latest']);
    expect(up.code, up.stderr).toBe(0);
    expect(await columns('users')).toEqual(['id', 'email', 'country']);
    const { diffEndStates } = await import('@pgsafe/core');
    expect(diffEndStates(before, await state())).not.toEqual([]);
    const down = await knex(['migrate:rollback']);
    expect(down.code, down.stderr).toBe(0);
    expect(await applied()).toEqual([]);
    expect(diffEndStates(before, await state())).toEqual([]);
  });

  it('refuses the rollback of a step it cannot undo before undoing anything, naming it; knex keeps the migration applied', async () => {
    const [file] = await fixedFiles("CREATE INDEX users_email_idx ON users (email);\nALTER TABLE users ALTER COLUMN email SET DEFAULT 'x';", '20240302000000_email_default');
    project = makeProject({ [file!.path]: file!.sql }, 'off', { largeTableRows: 1_000 });
    expect((await knex(['migrate:latest'])).code).toBe(0);
    const up = await state();
    const down = await knex(['migrate:rollback']);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain("20240302000000_email_default.js: no automatic rollback: step 1/2 (ALTER TABLE users ALTER COLUMN email SET DEFAULT 'x'): a changed default: the column's earlier default is not known here. Nothing was rolled back");
    expect(await applied()).toEqual(['20240302000000_email_default.js']);
    expect((await import('@pgsafe/core')).diffEndStates(up, await state())).toEqual([]);
  });
});

describe("pgsafe fix's knex output keeps a LATIN1 migration's bytes", () => {
  it("a byte that is not UTF-8 ('caf' 0xE9) is written as \\xE9 in the .js, and knex stores the same byte in a LATIN1 database", async () => {
    project = makeProject({});
    const sql = join(project, 'migrations', '20240401000000_cafe.sql');
    writeFileSync(sql, Buffer.concat([Buffer.from("ALTER TABLE users ADD CONSTRAINT users_email_check CHECK (email <> 'caf"), Buffer.of(0xe9), Buffer.from("');\n")]));
    const fixed = await pgsafe(['fix', '--runner', 'knex', '--write', '--no-verify', sql]);
    expect(fixed.code, fixed.stderr).toBe(0);
    const bytes = readFileSync(join(project, 'migrations', '20240401000000_cafe.js'));
    // All UTF-8 (Node reads a .js file so), the byte as a JavaScript escape.
    expect(new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toContain("CHECK (email <> 'caf\\xE9') NOT VALID");
    const name = `${db.current.name}_latin1`;
    await db.current.query(`CREATE DATABASE "${name}" ENCODING 'LATIN1' TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'`);
    const url = withDatabase(db.current.url, name);
    try {
      const { Client } = (await import('pg')).default;
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        await client.query('CREATE TABLE users (id int PRIMARY KEY, email text)');
        await client.query("INSERT INTO users SELECT i, 'u' || i FROM generate_series(1, 100) i");
        const r = await runNode([join(KNEX, 'bin/cli.js'), '--knexfile', join(project, 'knexfile.mjs'), 'migrate:latest'], { env: { ...process.env, DATABASE_URL: url, NO_COLOR: '1' } });
        expect(r.code, r.stderr).toBe(0);
        // The constraint holds byte 0xE9 in the database's LATIN1, as the original file's bytes run by psql would.
        const { rows } = await client.query<{ hex: string }>("SELECT encode(convert_to(pg_get_constraintdef(oid), 'LATIN1'), 'hex') AS hex FROM pg_constraint WHERE conname = 'users_email_check'");
        expect(rows[0]!.hex).toContain(Buffer.from("'caf\xe9'", 'latin1').toString('hex'));
      } finally {
        await client.end();
      }
    } finally {
      await db.current.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }
  });
});

describe("pgsafe fix's knex output in TypeScript", () => {
  it('compiles with the real tsc (strict, knex types) and runs with knex migrate:latest and migrate:rollback on Node 22', async () => {
    const ts = { esm: true, typescript: true, ext: '.ts' };
    const files = [
      ...(await fixedFiles("ALTER TABLE users ADD COLUMN country text NOT NULL;\nCREATE INDEX users_email_idx ON users (email);\nALTER TABLE users DROP COLUMN email;", '20240501000000_country', ts)),
      ...(await fixedFiles("ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);", '20240502000000_email_key', ts)),
    ];
    expect(files.map((f) => f.path)).toEqual(['20240501000000_country.ts', '../pgsafe-deploy-2/20240501000000_country_deploy2.ts', '20240502000000_email_key.ts']);
    // The probe fails to compile unless the knex types are really there (an `any` would accept it).
    const probe = "import type { Knex } from 'knex';\nexport async function probe(knex: Knex): Promise<void> {\n  // @ts-expect-error: no such method\n  await knex.rawSql('SELECT 1');\n}\n";
    const tsc = await typecheck(fileURLToPath(new URL('..', import.meta.url)), { ...Object.fromEntries(files.map((f) => [basename(f.path), f.sql])), 'probe.ts': probe });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.code).toBe(0);

    // Node 22 strips the types; the ES module migrations load from a "type": "module" project.
    project = makeProject({ [files[2]!.path]: files[2]!.sql }, 'off', { largeTableRows: 1_000 });
    writeFileSync(join(project, 'package.json'), '{ "type": "module" }\n');
    const run = (args: string[]) => runNode(['--experimental-strip-types', '--no-warnings', join(KNEX, 'bin/cli.js'), '--knexfile', join(project, 'knexfile.mjs'), ...args], { node: node22(), env: { ...process.env, DATABASE_URL: db.current.url, NO_COLOR: '1' } });
    const up = await run(['migrate:latest']);
    expect(up.code, up.stderr).toBe(0);
    expect((await db.current.query("SELECT contype FROM pg_constraint WHERE conname = 'users_email_key'")).rows).toEqual([{ contype: 'u' }]);
    const down = await run(['migrate:rollback']);
    expect(down.code, down.stderr).toBe(0);
    expect((await db.current.query("SELECT to_regclass('users_email_key') AS index")).rows).toEqual([{ index: null }]);
  });
});
