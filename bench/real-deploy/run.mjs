// One deploy of a built real project onto one database, in a process of its own (so that its CPU time is its own):
//   node run.mjs '<json spec>'   spec: { project, url, mode }   mode: plain | guarded | audit
// plain: the ORM's own runner, as the project calls it. guarded: the same through the pgsafe adapter with the
// default config. audit: guarded, but error-level findings are reported instead of refused (every would-be refusal
// of the history is counted). Prints one line `RESULT <json>` at the end.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ormHome } from './lib.mjs';

const require = createRequire(import.meta.url);
/** An ORM package as the bench runs it (see lib.mjs). */
const orm = (name) => require(ormHome(name));
const spec = JSON.parse(process.argv[2]);
const { project, url, mode } = spec;
/** The typical dangerous change of mode `large`, and a scratch directory for the migration that carries it. */
const LARGE_SQL = 'CREATE INDEX pgsafe_bench_events_kind_idx ON pgsafe_bench_events (kind)';
const extraDir = mode === 'large' ? mkdtempSync(join(tmpdir(), 'pgsafe-large-')) : undefined;
const findings = [];
/** Findings the deploy's context let through (a table empty, or created earlier in the deploy). */
const passed = [];
const retries = [];
const onEvent = (e) => {
  if (e.type === 'finding') findings.push({ migration: e.migration.name, rule: e.finding.rule, severity: e.finding.severity, ...(e.finding.severity === 'error' ? { sql: e.finding.statement.text.slice(0, 160) } : {}) });
  if (e.type === 'passed') passed.push({ migration: e.migration.name, rule: e.finding.rule });
  if (e.type === 'retry') retries.push(e.migration.name);
};
const guardOptions = { onEvent, ...(mode === 'audit' ? { enforce: false } : {}) };
const guarded = mode !== 'plain';

// The runners, each as its project calls its ORM.
const runners = {
  // joplin: knex(makeKnexConfig(...)).migrate.latest({ directory, disableTransactions: false })
  async knex() {
    const knex = orm('knex');
    const config = { client: 'pg', useNullAsDefault: false, connection: { connectionString: url } };
    const db = knex(mode === 'plain' ? config : (await import('@pgsafe/knex')).withPgsafe(config, guardOptions));
    if (extraDir) writeFileSync(join(extraDir, '99990101000000_pgsafe_large_index.js'), `exports.up = (knex) => knex.raw(${JSON.stringify(LARGE_SQL)});\nexports.down = () => {};\n`);
    try {
      await db.migrate.latest({ directory: extraDir ? [project.migrationsDir, extraDir] : project.migrationsDir, disableTransactions: false, loadExtensions: ['.js'] });
    } finally {
      await db.destroy();
    }
  },
  // medusa v1: a DataSource with the migrations medusa's loader keeps (feature flags), then runMigrations() (mode "all").
  async typeorm() {
    const { DataSource } = orm('typeorm');
    const migrations = [];
    for (const file of readdirSync(project.migrationsDir).filter((f) => f.endsWith('.js')).sort()) {
      const mod = require(join(project.migrationsDir, file));
      if (mod.featureFlag && !project.enabledFlags.includes(mod.featureFlag)) continue;
      migrations.push(...Object.values(mod).filter((v) => typeof v === 'function' && typeof v.prototype?.up === 'function'));
    }
    if (extraDir) {
      migrations.push(
        class PgsafeLargeIndex9999999999999 {
          name = 'PgsafeLargeIndex9999999999999';
          async up(queryRunner) {
            await queryRunner.query(LARGE_SQL);
          }
          async down() {}
        },
      );
    }
    const ds = new DataSource({ type: 'postgres', url, migrations, logging: false });
    const source = mode === 'plain' ? ds : (await import('@pgsafe/typeorm')).withPgsafe(ds, guardOptions);
    await source.initialize();
    try {
      await source.runMigrations();
    } finally {
      await source.destroy();
    }
  },
  // medusa v2: each module's own MikroORM instance and migrator, one after the other.
  async 'mikro-orm'() {
    const { MikroORM } = orm('@mikro-orm/core');
    const { PostgreSqlDriver } = orm('@mikro-orm/postgresql');
    const { Migrator } = orm('@mikro-orm/migrations');
    // Loaded only when guarded: the unguarded deploy's CPU must not carry pgsafe's module loading.
    const { withPgsafe } = guarded ? await import('@pgsafe/mikro-orm') : {};
    const modules = [...project.modules];
    if (extraDir) {
      const migrationsHome = ormHome('@mikro-orm/migrations');
      writeFileSync(
        join(extraDir, 'Migration99990101000000_pgsafe_large_index.js'),
        `const { Migration } = require(${JSON.stringify(migrationsHome)});\nclass Migration99990101000000_pgsafe_large_index extends Migration {\n  async up() { this.addSql(${JSON.stringify(LARGE_SQL)}); }\n}\nexports.Migration99990101000000_pgsafe_large_index = Migration99990101000000_pgsafe_large_index;\n`,
      );
      modules.push({ name: 'pgsafe-large', path: extraDir });
    }
    for (const module of modules) {
      const config = {
        driver: PostgreSqlDriver,
        clientUrl: url,
        entities: [],
        discovery: { warnWhenNoEntities: false },
        extensions: [Migrator],
        migrations: { path: module.path, glob: '!(*.d).js', silent: true },
        debug: false,
      };
      const orm = await MikroORM.init(mode === 'plain' ? config : withPgsafe(config, { ...guardOptions, generator: 'off' }));
      try {
        await orm.getMigrator().up();
      } catch (e) {
        e.message = `module ${module.name}: ${e.message}`;
        throw e;
      } finally {
        await orm.close(true);
      }
    }
  },
  // Prisma: unguarded, the schema engine's apply algorithm as Prisma <= 7.3 runs it (each migration.sql sent whole as
  // one simple query, an implicit transaction; the same _prisma_migrations rows); guarded, `pgsafe prisma migrate
  // deploy` (its deploy() API), which checks every pending migration before it runs any.
  async prisma() {
    if (mode === 'plain') {
      // The adapter's bookkeeping and folder modules alone (they load core's light entry only, as Prisma's CLI loads no
      // pgsafe): the unguarded deploy's CPU must not carry pgsafe's checker.
      const { Bookkeeping } = await import('../../packages/prisma/dist/bookkeeping.js');
      const { listMigrations } = await import('../../packages/prisma/dist/migrations.js');
      const pg = require('pg');
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const book = new Bookkeeping(client, 'public');
      try {
        await book.lock(0, () => {});
        await book.createTable();
        for (const m of listMigrations(project.migrationsDir)) {
          const id = await book.started(m.name, m.checksum);
          await client.query(m.script);
          await book.finished(id);
        }
        await book.unlock();
      } finally {
        await client.end();
      }
      return;
    }
    const { deploy } = await import('@pgsafe/prisma');
    const { rules, noColor } = await import('@pgsafe/core');
    let current;
    const out = {
      c: noColor,
      say(line) {
        const m = /^ {2}(\S+)(?: \(\d+ steps?\))?$/.exec(line);
        if (m) current = m[1];
        const f = /(error|warning)\[([a-z0-9-]+)\]( \(allowed by --allow\))?(.*)/.exec(line);
        if (f && current && (f[1] === 'warning' || f[3])) findings.push({ migration: current, rule: f[2], severity: f[1], ...(f[1] === 'error' ? { sql: f[4].trim().slice(0, 160) } : {}) });
        const p = /let through \[([a-z0-9-]+)\]/.exec(line);
        if (p && current) passed.push({ migration: current, rule: p[1] });
      },
      warn() {},
    };
    const allow = mode === 'audit' ? rules.map((r) => r.id) : [];
    let migrationsDir = project.migrationsDir;
    if (extraDir) {
      migrationsDir = join(extraDir, 'migrations');
      cpSync(project.migrationsDir, migrationsDir, { recursive: true });
      mkdirSync(join(migrationsDir, '99990101000000_pgsafe_large_index'));
      writeFileSync(join(migrationsDir, '99990101000000_pgsafe_large_index', 'migration.sql'), `${LARGE_SQL};\n`);
    }
    const result = await deploy({ migrationsDir, url, config: {}, allow, out, verbose: true });
    if (result.status === 'refused') {
      const e = new Error(`pgsafe refused ${result.refused.length} migrations, first ${result.refused[0].name}`);
      e.migration = { name: result.refused[0].name };
      e.findings = result.refused.flatMap((m) => m.blocking);
      throw e;
    }
    if (result.status === 'failed') throw new Error(`deploy failed at ${result.failed.name}: ${result.failed.result.error?.message}`);
  },
};

const cpu0 = process.cpuUsage();
const t0 = performance.now();
let error;
let refused;
try {
  await runners[project.kind]();
} catch (e) {
  error = e;
  // MikroORM wraps the error of a migration: the refusal is its cause.
  for (let c = e, i = 0; c && i < 4; c = c.cause, i++) if (c.name === 'UnsafeMigrationError') e = c;
  if (e?.name === 'UnsafeMigrationError' || /pgsafe (blocked|refused)/.test(String(e?.message))) {
    const findings = e.findings ?? [];
    refused = { migration: e.migration?.name, rules: [...new Set(findings.map((f) => f.rule))], message: String(e.message).split('\n')[0], live: findings.flatMap((f) => (f.live ?? []).map((x) => x.text)) };
  }
}
const ms = Math.round(performance.now() - t0);
if (extraDir) rmSync(extraDir, { recursive: true, force: true });
const cpu = process.cpuUsage(cpu0);
process.stdout.write(
  `RESULT ${JSON.stringify({ ok: !error, ms, cpuMs: Math.round((cpu.user + cpu.system) / 1000), refused, error: error && !refused ? String(error.stack ?? error).slice(0, 3000) : undefined, findings, passed, retries: retries.length })}\n`,
);
process.exit(0);
