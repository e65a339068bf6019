/** `pgsafe fix` end to end: the built CLI rewrites migrations (diff, --write, --json, Prisma directories), and what
 *  it writes runs with `pgsafe run` on real PostgreSQL, refusing nothing. */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadParser, parseMigration } from '@pgsafe/core';
import { adminUrl, columnsOf, runNode, seedRows, useTestDatabase } from '../harness/index.js';
import { assertCliBuilt, pgsafe as runPgsafe, writeIn } from '../harness/pgsafe-cli.js';

const db = useTestDatabase('fix_cli');
let dir: string;
/** Run from the test's folder: the fixed files are written next to the migration. --write proves the rewrite on the
 *  test server (not a throwaway one each time). */
const pgsafe = (args: string[]) => runPgsafe(args.includes('--write') && !args.includes('--no-verify') ? [...args, '--scratch-url', adminUrl()] : args, { cwd: dir });
const write = (name: string, sql: string) => writeIn(dir, name, sql);

/** Each ORM's migrations are written and run in a `"type": "module"` project and in a CommonJS one. */
const PROJECT_TYPES = ['commonjs', 'module'] as const;
const ORDERS = '-- 042: orders get a status and a faster lookup\nCREATE INDEX orders_customer_idx ON orders (customer_id);\nALTER TABLE orders ADD COLUMN status text NOT NULL;\n';

beforeAll(() => {
  assertCliBuilt();
  dir = mkdtempSync(join(tmpdir(), 'pgsafe-fix-'));
});

beforeEach(async () => {
  await db.current.query('DROP TABLE IF EXISTS orders, knex_migrations, knex_migrations_lock, migrations, mikro_orm_migrations CASCADE');
  await db.current.query('CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL)');
  await seedRows(db.current, 'orders', 5_000, { id: 'i', customer_id: 'i % 100' });
});

describe('pgsafe fix --write: the proof on a scratch server', () => {
  it('--write --json writes a proven rewrite and reports it; a refused one is reported and not written', async () => {
    write('json-proof/001_init.sql', 'CREATE TABLE items (id bigint PRIMARY KEY, note text);\n');
    const file = write('json-proof/002_index.sql', 'CREATE INDEX items_note_idx ON items (note);\n');
    const r = await pgsafe(['fix', file, '--write', '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { written: boolean; proof: { status: string }; files: { path: string; sql: string }[] };
    expect(report).toMatchObject({ written: true, proof: { status: 'equal' } });
    expect(readFileSync(file, 'utf8')).toBe(report.files[0]!.sql);
    expect(readFileSync(file, 'utf8')).toContain('CREATE INDEX CONCURRENTLY');

    write('json-refused/001_init.sql', "CREATE TABLE parents (id int PRIMARY KEY);\nCREATE TABLE kids (id bigint PRIMARY KEY, parent_id int);\nDO $$ BEGIN EXECUTE 'ALTER TABLE kids ADD CONSTRAINT kids_parent FOREIGN KEY (parent_id) REFERENCES parents (id)'; END $$;\n");
    const original = 'ALTER TABLE kids ALTER COLUMN parent_id TYPE bigint;\n';
    const refused = write('json-refused/002_widen.sql', original);
    const rr = await pgsafe(['fix', refused, '--write', '--json']);
    expect(rr.code).toBe(1);
    expect(JSON.parse(rr.stdout)).toMatchObject({ written: false, proof: { status: 'failed', step: 1 } });
    expect(readFileSync(refused, 'utf8')).toBe(original);
  });

  it('without --scratch-url, proves the rewrite on a throwaway server of its own', async () => {
    write('own-scratch/001_init.sql', 'CREATE TABLE items (id bigint PRIMARY KEY, note text);\n');
    const file = write('own-scratch/002_index.sql', 'CREATE INDEX items_note_idx ON items (note);\n');
    const r = await runPgsafe(['fix', file, '--write'], { cwd: dir });
    expect(r.stderr).toContain(`${file}: proven on a scratch server: the fixed deploys end with the schema and rows of the original.`);
    expect(r.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('CREATE INDEX CONCURRENTLY');
  }, 120_000);

  it('writes a rewrite whose deploys end as the original does, built on the earlier migrations of the folder', async () => {
    write('proof/001_init.sql', 'CREATE TABLE items (id bigint PRIMARY KEY, total numeric NOT NULL DEFAULT 0, note text);\n');
    const file = write('proof/002_change.sql', 'ALTER TABLE items ALTER COLUMN total TYPE bigint;\nCREATE INDEX items_note_idx ON items (note);\n');
    const r = await pgsafe(['fix', file, '--write']);
    expect(r.stderr).toContain(`${file}: proven on a scratch server: the fixed deploys end with the schema and rows of the original.`);
    expect(r.code).toBe(0);
    expect(readdirSync(join(dir, 'proof')).sort()).toEqual(['001_init.sql', '002_change.deploy2.sql', '002_change.sql']);
  });

  it('refuses to write, changing nothing, a rewrite that would not end as the original, and says why', async () => {
    // A foreign key the migrations do not show (added through dynamic SQL): the new column of a type change would
    // lose it, so the fixed migration refuses at its first step; the proof sees that before anything is written.
    write('refused/001_init.sql', "CREATE TABLE parents (id int PRIMARY KEY);\nCREATE TABLE kids (id bigint PRIMARY KEY, parent_id int);\nDO $$ BEGIN EXECUTE 'ALTER TABLE kids ADD CONSTRAINT kids_parent FOREIGN KEY (parent_id) REFERENCES parents (id)'; END $$;\n");
    const original = 'ALTER TABLE kids ALTER COLUMN parent_id TYPE bigint;\n';
    const file = write('refused/002_widen.sql', original);
    const r = await pgsafe(['fix', file, '--write']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}: not written: the fixed deploys do not end as the original does on a scratch server:`);
    expect(r.stderr).toMatch(/step 1 fails: pgsafe fix: kids\.parent_id has an index or constraint/);
    expect(readFileSync(file, 'utf8')).toBe(original);
    expect(readdirSync(join(dir, 'refused')).sort()).toEqual(['001_init.sql', '002_widen.sql']);
    // --no-verify writes it all the same.
    expect((await pgsafe(['fix', file, '--write', '--no-verify'])).code).toBe(0);
    expect(readFileSync(file, 'utf8')).not.toBe(original);
  });
});

describe('pgsafe fix --write on a file that is not UTF-8 (a LATIN1 database\'s migration)', () => {
  it('keeps every byte it does not rewrite, and what it writes, read as LATIN1, inserts the same text', async () => {
    const latin1 = (text: string) => Buffer.from(text, 'latin1');
    write('latin1/001_init.sql', 'CREATE TABLE dishes (id int PRIMARY KEY, name text NOT NULL);\n');
    // Latin-1 é, è, ï in a comment and in strings, and bytes that are neither Latin-1 text nor UTF-8.
    const kept = [latin1('-- the café menu\n'), latin1("INSERT INTO dishes VALUES (1001, 'café crème');\n"), Buffer.concat([latin1("INSERT INTO dishes VALUES (1002, 'naïve "), Buffer.from([0xff, 0xc3, 0x28]), latin1("');\n")])];
    const file = write('latin1/002_menu.sql', '');
    writeFileSync(file, Buffer.concat([kept[0]!, kept[1]!, latin1('CREATE INDEX dishes_name_idx ON dishes (name);\n'), kept[2]!]));
    const checked = await pgsafe(['check', file]);
    expect(checked.stdout).toContain(`${file}:3:1 error[require-concurrent-index-creation]`);
    expect(checked.code).toBe(1);

    const r = await pgsafe(['fix', file, '--write']);
    expect(r.stderr).toContain(`${file}: proven on a scratch server`);
    expect(r.code).toBe(0);
    const written = readFileSync(file);
    for (const part of kept) expect(written.indexOf(part), part.toString('latin1')).toBeGreaterThanOrEqual(0);
    expect(written.indexOf(Buffer.from('\ufffd'))).toBe(-1);
    expect(written.toString('latin1')).toContain('CREATE INDEX CONCURRENTLY IF NOT EXISTS dishes_name_idx ON dishes (name);\n');
    const again = await pgsafe(['check', file]);
    expect(again.stdout).toContain('0 errors');
    expect(again.code).toBe(0);

    // The fixed file as a LATIN1 client sends it, statement by statement (CONCURRENTLY runs alone).
    await db.current.query('DROP TABLE IF EXISTS dishes; CREATE TABLE dishes (id int PRIMARY KEY, name text NOT NULL)');
    await loadParser();
    for (const statement of parseMigration(written.toString('latin1')).statements) await db.current.query(statement.text);
    const { rows } = await db.current.query('SELECT id, name, (SELECT indisvalid FROM pg_index WHERE indexrelid = \'dishes_name_idx\'::regclass) AS valid FROM dishes ORDER BY id');
    expect(rows).toEqual([
      { id: 1001, name: 'café crème', valid: true },
      { id: 1002, name: 'naïve ÿÃ(', valid: true },
    ]);
  });
});

describe('pgsafe fix', () => {
  it('prints a unified diff and the changes, leaves the file alone, and exits 1 while a value is to be chosen', async () => {
    const file = write('db/042_orders.sql', ORDERS);
    const r = await pgsafe(['fix', 'db/042_orders.sql', '--no-color']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^--- db\/042_orders\.sql\n\+\+\+ db\/042_orders\.sql\n@@ /);
    expect(r.stdout).toContain('-CREATE INDEX orders_customer_idx ON orders (customer_id);\n');
    expect(r.stdout).toContain('+CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer_idx ON orders (customer_id);\n');
    expect(r.stdout).toContain('+    UPDATE orders SET status = <value> WHERE');
    expect(r.stderr).toContain('db/042_orders.sql:3: to do: choose the value of orders.status for the existing rows');
    expect(r.stderr).toContain('db/042_orders.sql:2: CREATE INDEX → CREATE INDEX CONCURRENTLY');
    expect(readFileSync(file, 'utf8')).toBe(ORDERS);
  });

  it('--write with the value writes a file that pgsafe run applies without a finding to allow', async () => {
    const file = write('db/043_orders.sql', ORDERS);
    const fixed = await pgsafe(['fix', file, '--value', "orders.status='new'", '--batch-size', '700', '--write']);
    expect(fixed.stderr).toContain(`Wrote ${file}.`);
    expect(fixed.code).toBe(0);
    const run = await pgsafe(['run', file, '--database-url', db.current.url]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('batched DO block, one transaction per batch');
    // Progress of the backfill: after the first batch, then every 5 s at most, and at the end.
    expect(run.stdout).toMatch(/notice: backfill orders\.status: 700 rows done, next key 701\n/);
    expect(run.stdout).toMatch(/notice: backfill orders\.status: 5000 rows done, finished\n/);
    expect(await columnsOf(db.current, 'orders')).toEqual(['id', 'customer_id', 'status']);
    const { rows } = await db.current.query(`SELECT count(*)::int AS n, count(*) FILTER (WHERE status = 'new')::int AS filled,
      (SELECT attnotnull FROM pg_attribute WHERE attrelid = 'orders'::regclass AND attname = 'status') AS not_null,
      (SELECT count(*)::int FROM pg_constraint WHERE conrelid = 'orders'::regclass AND contype = 'c') AS checks FROM orders`);
    expect(rows).toEqual([{ n: 5000, filled: 5000, not_null: true, checks: 0 }]);
    // Fixed once, nothing left to fix.
    const again = await pgsafe(['fix', file]);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('');
    expect(again.stderr).toBe(`${file}: nothing to fix.\n`);
  });

  it('--runner prisma --write splits the migration into one directory per step, in execution order', async () => {
    const file = write('prisma/migrations/20260101000000_orders/migration.sql', 'ALTER TABLE orders ADD CONSTRAINT orders_customer_positive CHECK (customer_id >= 0);\nCREATE INDEX orders_customer_idx ON orders (customer_id);\n');
    const r = await pgsafe(['fix', '--runner', 'prisma', file, '--write']);
    expect(r.code).toBe(0);
    const migrations = join(dir, 'prisma/migrations');
    expect(readdirSync(migrations).sort()).toEqual(['20260101000000_orders', '20260101000000_orders_p02_validate_constraint', '20260101000000_orders_p03_concurrent_index']);
    expect(readFileSync(file, 'utf8')).toBe("SET LOCAL lock_timeout = '2s';\nSET LOCAL statement_timeout = '1min';\nALTER TABLE orders ADD CONSTRAINT orders_customer_positive CHECK (customer_id >= 0) NOT VALID;\n");
    // Each file runs as Prisma runs it: one simple query.
    for (const d of readdirSync(migrations).sort()) await db.current.query(readFileSync(join(migrations, d, 'migration.sql'), 'utf8'));
    const { rows } = await db.current.query(`SELECT convalidated FROM pg_constraint WHERE conname = 'orders_customer_positive'`);
    expect(rows).toEqual([{ convalidated: true }]);
  });

  for (const type of PROJECT_TYPES)
  it(`--runner knex writes a migration that knex migrate:latest runs step by step, ? operators included (${type} project)`, async () => {
    write(`knex-${type}/package.json`, JSON.stringify({ type }));
    await db.current.query(`ALTER TABLE orders ADD COLUMN data jsonb NOT NULL DEFAULT '{"k": 1}'`);
    write(`knex-${type}/migrations/20260101000000_orders.sql`, "ALTER TABLE orders ADD CONSTRAINT orders_data_k CHECK (data ? 'k');\nCREATE INDEX orders_customer_idx ON orders (customer_id);\nALTER TABLE orders ADD COLUMN status text NOT NULL;\n");
    const fixed = await pgsafe(['fix', '--runner', 'knex', `knex-${type}/migrations/20260101000000_orders.sql`, '--value', "status='new'", '--write']);
    expect(fixed.stderr).toContain(`Wrote knex-${type}/migrations/20260101000000_orders.js.`);
    expect(readFileSync(join(dir, `knex-${type}/migrations/20260101000000_orders.js`), 'utf8')).toContain(type === 'module' ? 'export async function up(knex) {' : 'exports.up = async function (knex) {');
    expect(fixed.code).toBe(0);
    const knexRoot = fileURLToPath(new URL('../../examples/knex/package.json', import.meta.url));
    const script = `const knex = require('node:module').createRequire(${JSON.stringify(knexRoot)})('knex')({ client: 'pg', connection: process.env.URL, migrations: { directory: ${JSON.stringify(join(dir, `knex-${type}/migrations`))}, loadExtensions: ['.js'] } });
      knex.migrate.latest().then(([, done]) => console.log(done.join(',')), (e) => { console.error(e.message); process.exitCode = 1; }).finally(() => knex.destroy());`;
    const ran = await runNode(['-e', script], { env: { ...process.env, URL: db.current.url } });
    const run = { code: ran.code, out: ran.stdout + ran.stderr };
    expect(run.out).toBe('20260101000000_orders.js\n');
    expect(run.code).toBe(0);
    const { rows } = await db.current.query(`SELECT (SELECT convalidated FROM pg_constraint WHERE conname = 'orders_data_k') AS checked,
      (SELECT indisvalid FROM pg_index WHERE indexrelid = 'orders_customer_idx'::regclass) AS indexed,
      (SELECT attnotnull FROM pg_attribute WHERE attrelid = 'orders'::regclass AND attname = 'status') AS not_null,
      (SELECT count(*)::int FROM orders WHERE status = 'new') AS filled`);
    expect(rows).toEqual([{ checked: true, indexed: true, not_null: true, filled: 5000 }]);
  });

  for (const type of PROJECT_TYPES)
  it(`--runner typeorm writes a migration class that TypeORM runs step by step (${type} project)`, async () => {
    write(`typeorm-${type}/package.json`, JSON.stringify({ type }));
    write(`typeorm-${type}/migrations/1700000000004-OrdersStatus.sql`, 'CREATE INDEX orders_customer_idx ON orders (customer_id);\nALTER TABLE orders ADD COLUMN status text NOT NULL;\n');
    const fixed = await pgsafe(['fix', '--runner', 'typeorm', `typeorm-${type}/migrations/1700000000004-OrdersStatus.sql`, '--value', "status='new'", '--write']);
    expect(fixed.stderr).toContain(`Wrote typeorm-${type}/migrations/1700000000004-OrdersStatus.js.`);
    expect(readFileSync(join(dir, `typeorm-${type}/migrations/1700000000004-OrdersStatus.js`), 'utf8')).toMatch(type === 'module' ? /^export class OrdersStatus1700000000004 \{$/m : /^class OrdersStatus1700000000004 \{$[^]*^exports\.OrdersStatus1700000000004 = /m);
    expect(fixed.code).toBe(0);
    const typeormRoot = fileURLToPath(new URL('../../examples/typeorm/package.json', import.meta.url));
    const script = `import { createRequire } from 'node:module';
      const { DataSource } = createRequire(${JSON.stringify(typeormRoot)})('typeorm');
      const ds = new DataSource({ type: 'postgres', url: process.env.URL, migrations: [${JSON.stringify(join(dir, `typeorm-${type}/migrations/*.js`))}], migrationsTransactionMode: 'each' });
      await ds.initialize();
      try { console.log((await ds.runMigrations()).map((m) => m.name).join(',')); } finally { await ds.destroy(); }`;
    const ran = await runNode(['--input-type=module', '-e', script], { env: { ...process.env, URL: db.current.url } });
    const run = { code: ran.code, out: ran.stdout + ran.stderr };
    expect(run.out).toBe('OrdersStatus1700000000004\n');
    expect(run.code).toBe(0);
    const { rows } = await db.current.query(`SELECT (SELECT indisvalid FROM pg_index WHERE indexrelid = 'orders_customer_idx'::regclass) AS indexed,
      (SELECT attnotnull FROM pg_attribute WHERE attrelid = 'orders'::regclass AND attname = 'status') AS not_null,
      (SELECT count(*)::int FROM orders WHERE status = 'new') AS filled`);
    expect(rows).toEqual([{ indexed: true, not_null: true, filled: 5000 }]);
    write(`typeorm-${type}/orders.sql`, 'CREATE INDEX orders_customer_idx ON orders (customer_id);\n');
    const unnamed = await pgsafe(['fix', '--runner', 'typeorm', `typeorm-${type}/orders.sql`]);
    expect(unnamed.stderr).toContain('a TypeORM migration is named <timestamp>-<Name>, e.g. 1700000000004-AddStatus: got orders');
    expect(unnamed.code).toBe(2);
  });

  for (const type of PROJECT_TYPES)
  it(`--runner mikro-orm writes one migration class per step that MikroORM 6 runs in order, ? operators included (${type} project)`, async () => {
    write(`mikro-${type}/package.json`, JSON.stringify({ type }));
    await db.current.query(`ALTER TABLE orders ADD COLUMN data jsonb NOT NULL DEFAULT '{"k": 1}'`);
    write(`mikro-${type}/migrations/Migration20260101000000_orders.sql`, "ALTER TABLE orders ADD CONSTRAINT orders_data_k CHECK (data ? 'k');\nCREATE INDEX orders_customer_idx ON orders (customer_id);\nALTER TABLE orders ADD COLUMN status text NOT NULL;\n");
    const fixed = await pgsafe(['fix', '--runner', 'mikro-orm', `mikro-${type}/migrations/Migration20260101000000_orders.sql`, '--value', "status='new'", '--write']);
    expect(fixed.stderr).toContain(`Wrote mikro-${type}/migrations/Migration20260101000000_orders.js, mikro-${type}/migrations/Migration20260101000000_orders_pgsafe02_`);
    expect(readFileSync(join(dir, `mikro-${type}/migrations/Migration20260101000000_orders.js`), 'utf8')).toMatch(type === 'module' ? /^export class Migration20260101000000_orders extends Migration \{$/m : /^exports\.Migration20260101000000_orders = /m);
    expect(fixed.code).toBe(0);
    // The written files require @mikro-orm/migrations, as MikroORM's own JS generator writes them: MikroORM 6 from examples/mikro-orm-v6.
    const v6 = fileURLToPath(new URL('../../examples/mikro-orm-v6/package.json', import.meta.url));
    mkdirSync(join(dir, `mikro-${type}/node_modules/@mikro-orm`), { recursive: true });
    symlinkSync(realpathSync(join(v6, '../node_modules/@mikro-orm/migrations')), join(dir, `mikro-${type}/node_modules/@mikro-orm/migrations`));
    const script = `const req = require('node:module').createRequire(${JSON.stringify(v6)});
      const { MikroORM } = req('@mikro-orm/postgresql');
      const { Migrator } = req('@mikro-orm/migrations');
      MikroORM.init({ clientUrl: process.env.URL, entities: [], discovery: { warnWhenNoEntities: false }, extensions: [Migrator], migrations: { path: ${JSON.stringify(join(dir, `mikro-${type}/migrations`))}, glob: '*.js', snapshot: false, allOrNothing: false, silent: true } })
        .then(async (orm) => { try { console.log((await orm.getMigrator().up()).map((m) => m.name).join(',')); } finally { await orm.close(true); } })
        .catch((e) => { console.error(e.message); process.exitCode = 1; });`;
    const run = await runNode(['-e', script], { env: { ...process.env, URL: db.current.url } });
    expect(run.code, run.stderr).toBe(0);
    // In name order, which is the order of the steps: the index is built last, after the backfill.
    const written = readdirSync(join(dir, `mikro-${type}/migrations`)).filter((f) => f.endsWith('.js')).map((f) => f.replace(/\.js$/, '')).sort();
    expect(written.length).toBeGreaterThan(3);
    expect(run.stdout).toBe(`${written.join(',')}\n`);
    const { rows } = await db.current.query(`SELECT (SELECT convalidated FROM pg_constraint WHERE conname = 'orders_data_k') AS checked,
      (SELECT indisvalid FROM pg_index WHERE indexrelid = 'orders_customer_idx'::regclass) AS indexed,
      (SELECT attnotnull FROM pg_attribute WHERE attrelid = 'orders'::regclass AND attname = 'status') AS not_null,
      (SELECT count(*)::int FROM orders WHERE status = 'new') AS filled`);
    expect(rows).toEqual([{ checked: true, indexed: true, not_null: true, filled: 5000 }]);
    const { rows: applied } = await db.current.query<{ name: string }>('SELECT name FROM mikro_orm_migrations ORDER BY id');
    expect(applied.map((r) => r.name)).toEqual(written);
  });

  it('--json reports the changes, to-dos, deploys and files; a rename becomes three deploys', async () => {
    // A folder of its own: in db/, an earlier migration indexes customer_id, and a rename of an indexed column stays as written.
    const file = write('rename/044_rename.sql', 'ALTER TABLE orders RENAME COLUMN customer_id TO client_id;\n');
    const r = await pgsafe(['fix', file, '--json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { changes: { rule: string }[]; todos: unknown[]; deploys: { deploy: number; before?: string }[]; files: { path: string; deploy: number }[] };
    expect(report.changes.map((c) => c.rule)).toEqual(['require-lock-timeout', 'renaming-column']);
    expect(report.todos).toHaveLength(1);
    expect(report.deploys.map((d) => d.deploy)).toEqual([1, 2, 3]);
    expect(report.deploys[2]!.before).toContain('read and write only client_id');
    const typed = await pgsafe(['fix', file, '--type', 'orders.customer_id=bigint', '--json']);
    expect(typed.code).toBe(0);
    expect((JSON.parse(typed.stdout) as { files: { sql: string }[] }).files[0]!.sql).toContain('ALTER TABLE orders ADD COLUMN client_id bigint;');
    expect(report.files.map((f) => [f.path, f.deploy])).toEqual([
      [file, 1],
      [file.replace(/\.sql$/, '.deploy2.sql'), 2],
      [file.replace(/\.sql$/, '.deploy3.sql'), 3],
    ]);
  });

  it('exits 2 on a file that does not parse, with its position', async () => {
    const file = write('bad.sql', 'ALTER TABLE orders ADD COLUMN;\n');
    const r = await pgsafe(['fix', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:1:30: error: syntax error at or near ";"`);
    expect((await pgsafe(['fix'])).code).toBe(2);
  });
});
