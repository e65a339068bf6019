/** The MikroORM CLI itself (`mikro-orm migration:up`), 6.6 on this Node and 7.2 on Node 22 (from the npm package
 *  the platform's node-<os>-<arch>, or the running Node when it is new enough), with a config wrapped in withPgsafe, against real PostgreSQL with rows in the tables and real
 *  concurrent sessions. MikroORM 6 comes from examples/mikro-orm-v6, which installs it. */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { columnsOf, holdLock, runNode, seedRows, steadyQueries, typecheck, useTestDatabase, waitUntilRunning, waitUntilWaitingOnLock } from '@pgsafe/testing';
import { node22 } from '@pgsafe/testing/node22';

const DIST = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const HERE = fileURLToPath(new URL('..', import.meta.url));
const V6_HOME = fileURLToPath(new URL('../../../examples/mikro-orm-v6', import.meta.url));
const mikro = (home: string, name: string) => realpathSync(join(home, 'node_modules', '@mikro-orm', name));

const MAJORS = [
  // The JS generators write CommonJS; Node 22 loads it from MikroORM 7's import() only as .cjs in an ESM project.
  { major: 7, home: HERE, cli: 'cli.js', node: node22(), emit: 'cjs' },
  { major: 6, home: V6_HOME, cli: 'cli.js', node: process.execPath, emit: 'js' },
];

const db = useTestDatabase('mikro_orm_cli');

beforeAll(() => {
  if (!existsSync(DIST)) throw new Error('packages/mikro-orm is not built: run `pnpm build` (the root `pnpm test` does it)');
});

beforeEach(async () => {
  // A clean schema: migration:create diffs the entities against every table there.
  await db.current.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
  await db.current.query('CREATE TABLE users (id int PRIMARY KEY, email varchar(255) NOT NULL)');
  await seedRows(db.current, 'users', 20_000, { id: 'i', email: "'u' || i || '@example.com'" });
});

/** A migration class as `mikro-orm migration:create` writes it (JS), optionally outside a transaction. */
const migration = (migrations: string, name: string, up: string[], transactional = true, down: string[] = []) =>
  `import { Migration } from ${JSON.stringify(join(migrations, 'index.js'))};
export class ${name} extends Migration {
  async up() {
${up.map((q) => `    this.addSql(\`${q}\`);`).join('\n')}
  }
  async down() {
${down.map((q) => `    this.addSql(\`${q}\`);`).join('\n')}
  }
${transactional ? '' : '  isTransactional() { return false; }\n'}}
`;

describe.each(MAJORS)('mikro-orm $major migration:up through withPgsafe', ({ major, home, cli, node, emit }) => {
  const migrations = mikro(home, 'migrations');

  function makeProject(files: Record<string, string[] | { up: string[]; transactional?: false; down?: string[] }>, allOrNothing = true, preflight: 'wait' | 'off' = 'off', run: Record<string, unknown> = {}): string {
    const dir = mkdtempSync(join(tmpdir(), `pgsafe-mikro-orm-${major}-`));
    mkdirSync(join(dir, 'migrations'));
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(
      join(dir, 'mikro-orm.config.js'),
      `import { defineConfig } from ${JSON.stringify(join(mikro(home, 'postgresql'), 'index.js'))};
import { Migrator } from ${JSON.stringify(join(migrations, 'index.js'))};
import { withPgsafe } from ${JSON.stringify(DIST)};
export default withPgsafe(
  defineConfig({ clientUrl: process.env.DATABASE_URL, entities: [], discovery: { warnWhenNoEntities: false }, extensions: [Migrator], migrations: { path: 'migrations', glob: '!(*.d).js', snapshot: false, allOrNothing: ${allOrNothing} } }),
  { config: { run: ${JSON.stringify({ lockTimeout: '300ms', retryBudget: '20s', ...run })} }, policy: { lockTimeoutRamp: [1], baseDelayMs: 100, maxDelayMs: 200, jitter: 0, preflight: { mode: '${preflight}' } } },
);
`,
    );
    for (const [name, spec] of Object.entries(files)) {
      const { up, transactional = true, down = [] } = Array.isArray(spec) ? { up: spec } : spec;
      writeFileSync(join(dir, 'migrations', `${name}.js`), migration(migrations, name, up, transactional, down));
    }
    return dir;
  }

  // The project here is a bare directory: the CLI would insist on finding itself in its package.json.
  function migrate(project: string, command = 'migration:up', args: string[] = [], onStderr?: (text: string) => void) {
    return runNode([join(mikro(home, 'cli'), cli), command, ...args], {
      cwd: project,
      node,
      env: { ...process.env, DATABASE_URL: db.current.url, NO_COLOR: '1', FORCE_COLOR: '0', MIKRO_ORM_ALLOW_GLOBAL_CLI: '1' },
      ...(onStderr ? { onStderr } : {}),
    });
  }

  async function applied(): Promise<string[]> {
    const { rows } = await db.current.query<{ name: string }>('SELECT name FROM mikro_orm_migrations ORDER BY id').catch(() => ({ rows: [] as { name: string }[] }));
    return rows.map((r) => r.name);
  }

  it('blocks an unsafe migration with its name, the rule, the SQL and the recipe; nothing of the batch is recorded', async () => {
    const project = makeProject({
      Migration20240101000000_add_nickname: ['alter table "users" add column "nickname" text;'],
      Migration20240102000000_add_country: ['alter table "users" add column "country" varchar(255) not null;'],
    });
    const r = await migrate(project);
    const out = r.stdout + r.stderr;
    expect(r.code).toBe(1);
    expect(out).toContain('pgsafe blocked migration Migration20240102000000_add_country');
    expect(out).toContain('error[adding-required-field]');
    expect(out).toContain('alter table "users" add column "country" varchar(255) not null;');
    expect(out).toMatch(/fix: /);
    expect(await applied()).toEqual([]);
    // allOrNothing: the first migration of the batch is rolled back with it.
    expect(await columnsOf(db.current, 'users')).toEqual(['id', 'email']);
  }, 180_000);

  it('judges the pending migrations as one batch: a fresh install of a history passes, the same change on a loaded table is refused with its size', async () => {
    await db.current.query('ANALYZE users');
    // One run: the history on its new table goes through, the last migration (on users, large for this project's
    // threshold) is refused with the size; allOrNothing off, so the history stays applied.
    const project = makeProject(
      {
        Migration20240201000000_orders: ['create table "orders" ("id" int not null primary key, "user_id" int null, "total" int null, "note" text null);'],
        Migration20240202000000_order_links: [
          'create index "orders_user_id_index" on "orders" ("user_id");',
          'alter table "orders" add constraint "orders_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade;',
          'alter table "orders" rename column "note" to "remark";',
          'alter table "orders" alter column "total" type bigint using ("total"::bigint);',
          'alter table "orders" add column "region" varchar(255) not null;',
        ],
        Migration20240203000000_users_email: ['create index "users_email_index" on "users" ("email");'],
      },
      false,
      'off',
      { largeTableRows: 10_000 },
    );
    const r = await migrate(project);
    const out = r.stdout + r.stderr;
    expect(r.code).toBe(1);
    expect(out).toContain('pgsafe: Migration20240202000000_order_links: let through require-concurrent-index-creation (');
    expect(out).toContain('orders has 0 rows; created earlier in this deploy by Migration20240201000000_orders: no running application uses it yet');
    expect(out).toContain('pgsafe blocked migration Migration20240203000000_users_email');
    expect(out).toMatch(/live: users has ~20,000 rows \(estimate, pg_class\.reltuples\): at or above the large-table threshold of 10,000[\s|]+rows/);
    expect(await applied()).toEqual(['Migration20240201000000_orders', 'Migration20240202000000_order_links']);
  }, 180_000);

  it('refuses CREATE INDEX CONCURRENTLY in a transactional migration, with the MikroORM fix', async () => {
    const r = await migrate(makeProject({ Migration20240103000000_index_email: ['create index concurrently "users_email_index" on "users" ("email");'] }));
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain('hint: MikroORM runs this migration in a transaction. Put the statements that must run outside a transaction');
    expect(r.stdout + r.stderr).toContain('`override isTransactional(): boolean { return false; }`');
    expect(r.stdout + r.stderr).not.toMatch(/│ COMMIT/);
    expect(await applied()).toEqual([]);
  }, 180_000);

  it('refuses before anything runs a batch that allOrNothing would deadlock, and runs it with allOrNothing: false', async () => {
    const files = {
      Migration20240104000000_add_bio: ['alter table "users" add column "bio" text;'],
      Migration20240105000000_index_email: { up: ['create index concurrently "users_email_index" on "users" ("email");'], transactional: false as const },
    };
    const refused = await migrate(makeProject(files));
    expect(refused.code).toBe(1);
    const out = refused.stdout + refused.stderr;
    expect(out).toContain('pgsafe refused to run the pending migrations: nothing was run.');
    expect(out).toContain('Migration20240105000000_index_email: create index concurrently "users_email_index" on "users" ("email")');
    expect(out).toContain('waits for the lock on users that Migration20240104000000_add_bio took');
    expect(out).toContain('migrations: { allOrNothing: false }');
    // Refused up front, not after a lock or statement timeout (what the batch would otherwise wait for).
    expect(out).not.toMatch(/canceling statement due to (lock|statement) timeout/);
    expect(await applied()).toEqual([]);
    expect(await columnsOf(db.current, 'users')).toEqual(['id', 'email']);

    const r = await migrate(makeProject(files, false));
    expect(r.stderr).not.toContain('pgsafe refused');
    expect(r.code).toBe(0);
    expect(await applied()).toEqual(['Migration20240104000000_add_bio', 'Migration20240105000000_index_email']);
    const valid = await db.current.query<{ indisvalid: boolean }>(`SELECT indisvalid FROM pg_index WHERE indexrelid = 'users_email_index'::regclass`);
    expect(valid.rows).toEqual([{ indisvalid: true }]);
  }, 180_000);

  it('waits out a long transaction with short lock timeouts and retries; the app never queues behind the ALTER', async () => {
    const project = makeProject({ Migration20240106000000_add_note: ['alter table "users" add column "note" text;'] });
    const blocker = await holdLock(db.current.url, ['SELECT count(*) FROM users'], 'report');
    const app = await steadyQueries(db.current.url, () => `SELECT email FROM users WHERE id = ${1 + Math.floor(Math.random() * 20_000)}`, { applicationName: 'app', pauseMs: 5 });
    const running = migrate(project);
    // The CLI takes seconds to start: release the reader 2 s after the ALTER first waits behind it.
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
    // MikroORM 6's error message starts with the statement.
    expect(r.stderr).toMatch(/pgsafe: Migration20240106000000_add_note: (alter table .* - )?canceling statement due to lock timeout \(lock_timeout 300ms, attempt 1\); trying again in \d+ms; blocked by pid \d+ \(idle in transaction for [\d.]+(?:ms|s|min), transaction [\d.]+(?:ms|s|min), holds ACCESS SHARE on users, app "report"\): SELECT count\(\*\) FROM users/);
    expect(await applied()).toEqual(['Migration20240106000000_add_note']);
    expect(seen.errors).toEqual([]);
    expect(seen.max).toBeLessThan(300 + 300);
  }, 180_000);

  it('pre-flight: names the long transaction and waits for it before sending the ALTER, as pgsafe run does; the app never queues', async () => {
    const project = makeProject({ Migration20240106000000_add_note: ['alter table "users" add column "note" text;'] }, true, 'wait');
    const blocker = await holdLock(db.current.url, ['SELECT count(*) FROM users'], 'report');
    const app = await steadyQueries(db.current.url, () => `SELECT email FROM users WHERE id = ${1 + Math.floor(Math.random() * 20_000)}`, { applicationName: 'app', pauseMs: 5 });
    let released: Promise<void> | undefined;
    const r = await migrate(project, 'migration:up', [], (stderr) => {
      if (!released && /pre-flight: waiting for/.test(stderr)) released = new Promise((resolve) => setTimeout(resolve, 1500)).then(() => blocker.release());
    });
    await released;
    await blocker.release(); // also when the CLI failed before naming it
    const seen = await app.stop();

    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/pgsafe: Migration20240106000000_add_note: pre-flight: waiting for pid \d+ \(idle in transaction for [\d.]+(?:ms|s|min), transaction [\d.]+(?:ms|s|min), holds ACCESS SHARE on users, app "report"\): SELECT count\(\*\) FROM users/);
    expect(r.stderr).not.toContain('canceling statement due to lock timeout');
    expect(await applied()).toEqual(['Migration20240106000000_add_note']);
    expect(seen.errors).toEqual([]);
    // Without pre-flight the ALTER would queue behind the report, and the app behind it, for the 1.5 s until its
    // release (and more under load); with it the app sees its usual latency (margin for a loaded 2-core machine).
    expect(seen.max).toBeLessThan(1000);
  }, 180_000);

  it('runs a non-transactional migration on one connection: its timeouts are set and restored around each statement', async () => {
    const project = makeProject(
      {
        Migration20240107000000_settings: {
          up: [
            "create table settings_seen as select current_setting('lock_timeout') as lock, pg_backend_pid() as pid;",
            "insert into settings_seen select current_setting('lock_timeout'), pg_backend_pid();",
          ],
          transactional: false,
        },
      },
      false,
    );
    const r = await migrate(project);
    expect(r.stderr).not.toContain('Error');
    expect(r.code).toBe(0);
    const { rows } = await db.current.query<{ lock: string; pid: number }>('SELECT lock, pid FROM settings_seen');
    expect(rows.map((row) => row.lock)).toEqual(['300ms', '300ms']);
    expect(new Set(rows.map((row) => row.pid)).size).toBe(1);
  }, 180_000);

  it('lets migration:down run what up() would be refused for, and prints its findings as warnings', async () => {
    const project = makeProject({ Migration20240109000000_add_bio: { up: ['alter table "users" add column "bio" text;'], down: ['alter table "users" drop column "bio";'] } });
    expect((await migrate(project)).code).toBe(0);
    const r = await migrate(project, 'migration:down');
    expect(r.code).toBe(0);
    // The finding keeps its severity in the text; it is reported, not enforced.
    expect(r.stderr).toMatch(/pgsafe: warning in migration Migration20240109000000_add_bio:\n.*error\[ban-drop-column\]/);
    expect(await applied()).toEqual([]);
    expect(await columnsOf(db.current, 'users')).toEqual(['id', 'email']);
  }, 180_000);

  it('makes a second concurrent migration:up wait for the first instead of applying the same migrations twice', async () => {
    // The first run stays inside its migration until the test opens the gate, so the second surely finds it there
    // (a fixed head start loses to a slow ORM start on a loaded machine).
    await db.current.query('DROP TABLE IF EXISTS gate; CREATE TABLE gate (opened int)');
    const project = makeProject({
      Migration20240108000000_slow: ['alter table "users" add column "slow" text;', 'do $$ begin while not exists (select 1 from gate) loop perform pg_sleep(0.05); end loop; end $$;'],
    });
    const first = migrate(project);
    await waitUntilRunning(db.current.url, /from gate/, 120_000);
    const second = migrate(project);
    await waitUntilWaitingOnLock(db.current.url, (s) => /pg_advisory_lock/.test(s.query), 120_000);
    await db.current.query('INSERT INTO gate VALUES (1)');
    const [a, b] = await Promise.all([first, second]);
    expect([a.code, b.code], a.stderr + b.stderr).toEqual([0, 0]);
    expect(b.stderr).toMatch(/pgsafe: another migration run holds the migration lock \(pid \d+\); waiting for it to finish/);
    expect(await applied()).toEqual(['Migration20240108000000_slow']);
  }, 180_000);

  it('migration:create writes the safe form: NOT VALID then VALIDATE, and the index CONCURRENTLY outside a transaction; migration:down undoes it all', async () => {
    await db.current.query('CREATE TABLE orgs (id int PRIMARY KEY)');
    const { diffEndStates, endState } = await import('@pgsafe/core');
    const client = await db.current.connect();
    const state = () => endState(client, { ignoreTables: ['public.mikro_orm_migrations', 'public.mikro_orm_migrations_id_seq'] });
    const before = await state();
    // The generated migrations require @mikro-orm/migrations: the project sees the installed MikroORM.
    const project = mkdtempSync(join(tmpdir(), `pgsafe-mikro-orm-${major}-create-`));
    symlinkSync(join(home, 'node_modules'), join(project, 'node_modules'));
    if (emit === 'cjs') writeFileSync(join(project, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(
      join(project, 'mikro-orm.config.mjs'),
      `import { defineConfig, EntitySchema } from ${JSON.stringify(join(mikro(home, 'postgresql'), 'index.js'))};
import { Migrator } from ${JSON.stringify(join(migrations, 'index.js'))};
import { withPgsafe } from ${JSON.stringify(DIST)};
const Org = new EntitySchema({ name: 'Org', tableName: 'orgs', properties: { id: { type: 'number', primary: true, autoincrement: false } } });
const User = new EntitySchema({
  name: 'User', tableName: 'users', indexes: [{ properties: ['email'] }],
  properties: { id: { type: 'number', primary: true, autoincrement: false }, email: { type: 'string' }, org: { kind: 'm:1', entity: () => Org, nullable: true } },

});
export default withPgsafe(defineConfig({ clientUrl: process.env.DATABASE_URL, entities: [User, Org], extensions: [Migrator], migrations: { path: 'migrations', emit: '${emit}', snapshot: false, allOrNothing: false } }));
`,
    );
    const created = await migrate(project, 'migration:create', ['--config', 'mikro-orm.config.mjs']);

    expect(created.code).toBe(0);
    expect(created.stderr).toContain('ADD CONSTRAINT users_org_id_foreign → NOT VALID, then VALIDATE CONSTRAINT in a transaction of its own');
    expect(created.stderr).toContain('CREATE INDEX → CREATE INDEX CONCURRENTLY, alone outside a transaction');
    const files = readdirSync(join(project, 'migrations')).sort();
    expect(files.map((f) => f.replace(/\d{14}/, 'T'))).toEqual(
      ['MigrationT', 'MigrationT_pgsafe02_foreign_key_index', 'MigrationT_pgsafe03_not_valid', 'MigrationT_pgsafe04_validate_constraint', 'MigrationT_pgsafe05_concurrent_index'].map((f) => `${f}.${emit}`),
    );
    const [first, fkIndex, notValid, validate, index] = files.map((f) => readFileSync(join(project, 'migrations', f), 'utf8'));
    expect(first).not.toContain('isTransactional');
    // The foreign key's columns get their index first, built CONCURRENTLY outside a transaction.
    expect(fkIndex).toContain('CREATE INDEX CONCURRENTLY IF NOT EXISTS users_org_id_fkey_idx ON users (org_id);');
    expect(fkIndex).toMatch(/isTransactional\(\) \{\n\s+return false;/);
    expect(notValid).toMatch(/foreign key \("org_id"\) references "orgs" \("id"\) (on update cascade )?on delete set null NOT VALID;/);
    expect(validate).toContain('ALTER TABLE users VALIDATE CONSTRAINT users_org_id_foreign;');
    expect(index).toContain('create index CONCURRENTLY IF NOT EXISTS "users_email_index" on "users" ("email");');
    expect(index).toMatch(/isTransactional\(\) \{\n\s+return false;/);

    const r = await migrate(project, 'migration:up', ['--config', 'mikro-orm.config.mjs']);
    expect(r.code).toBe(0);
    // MikroORM's names: the file names, less a .js extension.
    expect(await applied()).toEqual(files.map((f) => f.replace(/\.js$/, '')));
    const { rows } = await db.current.query<{ valid: boolean }>(
      `SELECT (SELECT convalidated FROM pg_constraint WHERE conname = 'users_org_id_foreign') AND (SELECT indisvalid FROM pg_index WHERE indexrelid = 'users_email_index'::regclass) AS valid`,
    );
    expect(rows).toEqual([{ valid: true }]);
    expect(diffEndStates(before, await state())).not.toEqual([]);

    // Each part's down() undoes it (the index dropped CONCURRENTLY outside a transaction), last part first.
    expect(index).toContain('DROP INDEX CONCURRENTLY IF EXISTS users_email_index;');
    const down = await migrate(project, 'migration:down', ['--config', 'mikro-orm.config.mjs', '--to', '0']);
    expect(down.code, down.stderr).toBe(0);
    expect(await applied()).toEqual([]);
    expect(diffEndStates(before, await state())).toEqual([]);
    await client.end();
  }, 180_000);

  it('migration:create rewrites what it can and leaves the rest as generated under a "-- pgsafe to do" comment, saying which; migration:up then refuses the rest', async () => {
    const project = mkdtempSync(join(tmpdir(), `pgsafe-mikro-orm-${major}-partial-`));
    symlinkSync(join(home, 'node_modules'), join(project, 'node_modules'));
    if (emit === 'cjs') writeFileSync(join(project, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(
      join(project, 'mikro-orm.config.mjs'),
      `import { defineConfig, EntitySchema } from ${JSON.stringify(join(mikro(home, 'postgresql'), 'index.js'))};
import { Migrator } from ${JSON.stringify(join(migrations, 'index.js'))};
import { withPgsafe } from ${JSON.stringify(DIST)};
const User = new EntitySchema({
  name: 'User', tableName: 'users', indexes: [{ properties: ['email'] }],
  properties: { id: { type: 'number', primary: true, autoincrement: false }, email: { type: 'string' }, country: { type: 'string' } },
});
export default withPgsafe(defineConfig({ clientUrl: process.env.DATABASE_URL, entities: [User], extensions: [Migrator], migrations: { path: 'migrations', emit: '${emit}', snapshot: false, allOrNothing: false } }));
`,
    );
    const created = await migrate(project, 'migration:create', ['--config', 'mikro-orm.config.mjs']);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stderr).toContain('pgsafe: wrote the safe form of this migration:\n  - CREATE INDEX → CREATE INDEX CONCURRENTLY, alone outside a transaction');
    // MikroORM 7 writes `add "country"`, 6 `add column "country"`.
    expect(created.stderr).toMatch(/pgsafe: left as generated, under a "-- pgsafe to do" comment, for you to change by hand \(migration:up through withPgsafe refuses them until then\):\n {2}- \[adding-required-field\] alter table "users" add (column )?"country" varchar\(255\) not null: Adding NOT NULL column country to users without a DEFAULT fails if the table has any row\./);
    const files = readdirSync(join(project, 'migrations')).sort();
    expect(files.map((f) => f.replace(/\d{14}/, 'T'))).toEqual(['MigrationT', 'MigrationT_pgsafe02_concurrent_index'].map((f) => `${f}.${emit}`));
    const [first, index] = files.map((f) => readFileSync(join(project, 'migrations', f), 'utf8'));
    expect(first).toMatch(/-- pgsafe to do \[adding-required-field\]: Adding NOT NULL column country to users without a DEFAULT fails if the table has any row\. By hand: Add the column nullable, backfill it in batches, then enforce NOT NULL through a validated CHECK\. \(pgsafe explain adding-required-field\)\nalter table "users" add (column )?"country" varchar\(255\) not null;/);
    expect(index).toContain('create index CONCURRENTLY IF NOT EXISTS "users_email_index" on "users" ("email");');

    const r = await migrate(project, 'migration:up', ['--config', 'mikro-orm.config.mjs']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[adding-required-field]');
    expect(await applied()).toEqual([]);
    expect(await columnsOf(db.current, 'users')).toEqual(['id', 'email']);
  }, 180_000);

  describe('the allOrNothing transaction spans migrations (issue 18, step 3)', () => {
    const validated = async () => (await db.current.query<{ convalidated: boolean }>("SELECT convalidated FROM pg_constraint WHERE conname = 'users_email_check'")).rows;
    const unterminated = (sql: string) => sql.replace(/;$/, '');
    const history = {
      Migration20240201000000_check: ["ALTER TABLE users ADD CONSTRAINT users_email_check CHECK (email <> '') NOT VALID"],
      Migration20240202000000_validate: ['ALTER TABLE users VALIDATE CONSTRAINT users_email_check'],
    };

    it('refuses VALIDATE in the migration after the NOT VALID add under allOrNothing (one transaction holds both); passes it without', async () => {
      const together = await migrate(makeProject(history, true, 'off', { largeTableRows: 1_000 }));
      expect(together.code).toBe(1);
      expect(together.stderr).toContain('[validate-constraint-in-same-transaction]');
      // Lines count in the SQL MikroORM sent (after its own statements).
      expect(together.stderr).toMatch(/\(line \d+ of migration Migration20240201000000_check\): migration Migration20240201000000_check ran in this same database transaction, still open/);
      expect(together.stderr).toContain('allOrNothing: false');
      expect(await applied()).toEqual([]);
      expect(await validated()).toEqual([]);

      const apart = await migrate(makeProject(history, false, 'off', { largeTableRows: 1_000 }));
      expect(apart.code, apart.stderr).toBe(0);
      expect(await applied()).toEqual(Object.keys(history));
      expect(await validated()).toEqual([{ convalidated: true }]);
    }, 180_000);

    it("never refuses pgsafe fix's own steps (NOT VALID and VALIDATE as migrations of their own) with allOrNothing: false, on a loaded table", async () => {
      const { fix, loadParser, parseMigration, mikroOrmParts } = await import('@pgsafe/core');
      await loadParser();
      const parts = mikroOrmParts(fix(parseMigration("ALTER TABLE users ADD CONSTRAINT users_email_check CHECK (email <> '');", 'check.sql')), 'email_check');
      const files: Record<string, { up: string[]; transactional?: false }> = {};
      for (const part of parts) files[`Migration20240201000000_${part.name}`] = part.transactional ? { up: part.statements.map(unterminated) } : { up: part.statements.map(unterminated), transactional: false };
      expect(Object.keys(files)).toHaveLength(2);
      const r = await migrate(makeProject(files, false, 'off', { largeTableRows: 1_000 }));
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).not.toContain('pgsafe blocked');
      expect(await validated()).toEqual([{ convalidated: true }]);
      expect((await db.current.query('SELECT count(*)::int AS n FROM users')).rows).toEqual([{ n: 20_000 }]);
    }, 180_000);
  });
});

describe("pgsafe fix's MikroORM output in TypeScript", () => {
  it('compiles with the real tsc (strict, MikroORM 7 types), every part and both kinds of down()', async () => {
    const { fix, historySchema, loadParser, parseMigration, renderMikroOrmMigrations } = await import('@pgsafe/core');
    await loadParser();
    const migration = parseMigration("ALTER TABLE users ADD COLUMN country text NOT NULL;\nCREATE INDEX users_email_idx ON users (email);\nALTER TABLE users DROP COLUMN email;", 'country.sql');
    const result = fix(migration, { values: { country: "'xx'" }, schema: historySchema([parseMigration('CREATE TABLE users (id int PRIMARY KEY, email varchar(255) NOT NULL);', 'earlier.sql')], migration) });
    const files = renderMikroOrmMigrations(result, 'Migration20240301000000_country', { esm: true, typescript: true, ext: '.ts' });
    expect(files.length).toBeGreaterThan(4);
    expect(files.some((f) => f.sql.includes('no automatic rollback'))).toBe(true);
    expect(files.some((f) => f.sql.includes('DROP INDEX CONCURRENTLY IF EXISTS users_email_idx;'))).toBe(true);
    // The probe fails to compile unless MikroORM's types are really there (an `any` would accept it).
    const probe = "import { Migration } from '@mikro-orm/migrations';\nexport class Probe extends Migration {\n  override async up(): Promise<void> {\n    // @ts-expect-error: no such method\n    this.addSqlx('SELECT 1');\n  }\n}\n";
    const tsc = await typecheck(HERE, { ...Object.fromEntries(files.map((f) => [basename(f.path), f.sql])), 'probe.ts': probe });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.code).toBe(0);
  });
});
