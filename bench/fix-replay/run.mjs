// Replays real public migration histories through `pgsafe fix`: every migration of a project is fixed (as
// `pgsafe fix --write` would, default options), and the fixed history is applied in deploy order (each migration's
// deploys one after the other, then the next migration) to one database while the original history is applied to
// another. Per project: how many fixed files applied, how many were left with placeholders by design (<value>, the
// user's choice: the original is applied in their place), and whether the two end states (schema and rows, see
// endState in @pgsafe/core) are equal.
//
//   node bench/fix-replay/run.mjs [--real /work/real] [--url <admin url>] [--embedded] [--projects a,b] [--verbose]
//
// --url: a server where databases may be created (default $TEST_DATABASE_URL); --embedded: a throwaway embedded
// PostgreSQL (the newest major, as `pgsafe trace` starts it) instead. The histories are read in place, never copied.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadParser, parseMigration, fix, renderPrismaMigrations, renderRunFiles, plan, execute, endState, diffEndStates, unstableKeys, PLACEHOLDER, SchemaState, SchemaModel } from '@pgsafe/core';

const { values: args } = parseArgs({
  options: {
    real: { type: 'string', default: process.env.PGSAFE_REAL ?? '/work/real' },
    url: { type: 'string', default: process.env.TEST_DATABASE_URL },
    embedded: { type: 'boolean', default: false },
    projects: { type: 'string' },
    verbose: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

if (args.help) {
  console.log(`Usage: node bench/fix-replay/run.mjs [--real /work/real] [--url <admin url> | --embedded] [--projects a,b] [--verbose]

Fixes every migration of real histories as \`pgsafe fix --write\` would, applies the fixed history in deploy order and
the original one to other databases, and prints per project the fixed files applied, those left with placeholders,
and whether the end states are equal.

  --real <dir>       where the histories are extracted (default $PGSAFE_REAL or /work/real)
  --url <url>        a server where databases may be created (default $TEST_DATABASE_URL)
  --embedded         a throwaway embedded PostgreSQL (the newest major) instead
  --projects <list>  only these projects (comma-separated)
  --verbose          every failure and difference, not the first 5`);
  process.exit(0);
}

const sorted = (dir) => (existsSync(dir) ? readdirSync(dir).sort() : []);

/** Each project: where its migrations are, in the order its runner applies them, and how it runs a file. */
const PROJECTS = [
  ...[
    ['rallly', 'packages/database/prisma/migrations'],
    ['documenso', 'packages/prisma/migrations'],
    ['ghostfolio', 'prisma/migrations'],
    ['umami', 'prisma/migrations'],
    ['trigger-dev', 'internal-packages/database/prisma/migrations'],
    ['hoppscotch', 'packages/hoppscotch-backend/prisma/migrations'],
    ['formbricks', 'packages/database/migration'],
    ['langfuse', 'packages/shared/prisma/migrations'],
  ].map(([name, path]) => ({
    name,
    runner: 'prisma',
    files: (root) => sorted(join(root, path)).filter((d) => existsSync(join(root, path, d, 'migration.sql'))).map((d) => ({ name: d, sql: read(join(root, path, d, 'migration.sql')) })),
  })),
  // diesel: migrations/<version>_<name>/up.sql
  { name: 'lemmy', runner: 'run', inTransaction: (sql) => !/\bCONCURRENTLY\b/i.test(sql), files: (root) => sorted(join(root, 'migrations')).filter((d) => existsSync(join(root, 'migrations', d, 'up.sql'))).map((d) => ({ name: d, sql: read(join(root, 'migrations', d, 'up.sql')) })) },
  // goose: the part between `-- +goose Up` and `-- +goose Down`.
  {
    name: 'hatchet',
    runner: 'run',
    inTransaction: (sql) => !/^--\s*\+goose\s+NO\s+TRANSACTION/im.test(sql),
    files: (root) => {
      const dir = join(root, 'cmd/hatchet-migrate/migrate/migrations');
      return sorted(dir).filter((f) => f.endsWith('.sql')).map((f) => ({ name: f, sql: gooseUp(read(join(dir, f))) }));
    },
  },
  // pop (fizz templates): *.up.sql with the namespace filled in, in the auth schema that supabase creates first, run
  // as supabase's auth role, whose search_path is auth (an unqualified DROP INDEX finds the auth index).
  {
    name: 'supabase-auth',
    runner: 'run',
    inTransaction: (sql) => !/\bCONCURRENTLY\b/i.test(sql),
    setup: 'CREATE SCHEMA IF NOT EXISTS auth;',
    session: 'SET search_path = auth',
    files: (root) => {
      const dir = join(root, 'migrations');
      return sorted(dir).filter((f) => f.endsWith('.up.sql')).map((f) => ({ name: f, sql: read(join(dir, f)).replace(/\{\{\s*index\s+\.Options\s+"Namespace"\s*\}\}/g, 'auth') }));
    },
  },
  // One SQL file per migration, sorted by its version number as the runner sorts it (ente's are not zero-padded);
  // each run in one transaction (golang-migrate sends the file as one query; rivermigrate and sqlx wrap it), unless
  // it builds CONCURRENTLY.
  ...[
    ['river', 'riverdriver/riverpgxv5/migration/main', /\.up\.sql$/],
    ['harbor', 'make/migrations/postgresql', /\.up\.sql$/],
    ['hasura-auth', 'go/migrations/postgres', /\.up\.sql$/],
    ['ente', 'server/migrations', /\.up\.sql$/],
    ['svix', 'server/svix-server/migrations', /\.up\.sql$/],
    ['appflowy-cloud', 'migrations', /^\d+_.*(?<!\.down)\.sql$/],
  ].map(([name, path, pattern]) => ({
    name,
    runner: 'run',
    inTransaction: (sql) => !/\bCONCURRENTLY\b/i.test(sql),
    files: (root) =>
      sorted(join(root, path))
        .filter((f) => pattern.test(f))
        .sort((a, b) => Number(/^\d+/.exec(a)?.[0]) - Number(/^\d+/.exec(b)?.[0]) || a.localeCompare(b))
        .map((f) => ({ name: f, sql: read(join(root, path, f)) })),
  })),
];

function read(path) {
  return readFileSync(path, 'utf8');
}

const unquote = (name) => (name.startsWith('"') ? name.slice(1, -1).replace(/""/g, '"') : name.toLowerCase());

function gooseUp(sql) {
  const up = sql.split(/^--\s*\+goose\s+Down\b.*$/m)[0];
  return up.replace(/^--\s*\+goose\s+Up\b.*$/m, '');
}

/** A migration as its own runner applies it: Prisma sends the file as one query; diesel, goose and pop wrap it in a
 *  transaction (unless it says otherwise); statement by statement on one session otherwise. */
async function applyAsWritten(client, project, file, migration) {
  if (project.runner === 'prisma' || !migration) return client.query(file.sql);
  const wrap = project.inTransaction?.(file.sql);
  if (wrap) await client.query('BEGIN');
  try {
    for (const stmt of migration.statements) await client.query(stmt.text);
    if (wrap) await client.query('COMMIT');
  } catch (error) {
    if (wrap) await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}

const message = (e) => (e instanceof Error ? e.message : String(e)).split('\n')[0];

async function connect(url, project) {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  client.on('notice', () => {});
  await client.connect();
  if (project?.session) await client.query(project.session);
  return client;
}

function dbUrl(adminUrl, name) {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function replay(adminUrl, project, pgVersion) {
  const root = join(args.real, project.name);
  if (!existsSync(root)) return { name: project.name, missing: true };
  const files = project.files(root);
  const admin = await connect(adminUrl);
  const base = `fix_replay_${project.name.replace(/\W/g, '_')}`;
  // The original history twice: what differs between those two runs (now(), random ids) is left out of the comparison.
  const names = { original: `${base}_orig`, again: `${base}_again`, fixed: `${base}_fixed` };
  for (const n of Object.values(names)) await admin.query(`DROP DATABASE IF EXISTS ${n} WITH (FORCE)`);
  for (const n of Object.values(names)) await admin.query(`CREATE DATABASE ${n} TEMPLATE template0`);
  let original = await connect(dbUrl(adminUrl, names.original), project);
  const again = await connect(dbUrl(adminUrl, names.again), project);
  let fixed = await connect(dbUrl(adminUrl, names.fixed), project);
  const stats = { name: project.name, runner: project.runner, files: files.length, changed: 0, applied: 0, placeholders: 0, unparsed: 0, failed: [], originalFailed: undefined, resynced: 0, addedIndexes: new Set() };
  if (project.setup) for (const c of [original, again, fixed]) await c.query(project.setup);
  // The schema each migration is fixed in: the earlier ones replayed, as `pgsafe check` judges a history.
  const state = new SchemaState();
  // After a fixed file failed, the fixed database is rebuilt as a copy of the original one so that the rest of the
  // history still replays (counted in `resynced`).
  const resync = async () => {
    await Promise.all([original.end(), fixed.end()]);
    await admin.query(`DROP DATABASE ${names.fixed} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${names.fixed} TEMPLATE ${names.original}`);
    original = await connect(dbUrl(adminUrl, names.original), project);
    fixed = await connect(dbUrl(adminUrl, names.fixed), project);
    stats.resynced++;
  };
  for (const file of files) {
    let migration;
    try {
      migration = parseMigration(file.sql, file.name);
    } catch {
      stats.unparsed++;
    }
    try {
      for (const c of [original, again]) await applyAsWritten(c, project, file, migration);
    } catch (error) {
      stats.originalFailed = `${file.name}: ${message(error)}`;
      break;
    }
    let schema;
    if (migration) {
      state.beginMigration(file.name, false);
      schema = new SchemaModel(state);
      for (const stmt of migration.statements) state.apply(stmt);
    }
    const result = migration && fix(migration, { pgVersion, schema });
    if (!result?.changes.length) {
      await applyAsWritten(fixed, project, file, migration).catch(async (error) => {
        stats.failed.push(`${file.name} (unchanged): ${message(error)}`);
        await resync();
      });
      continue;
    }
    stats.changed++;
    // The index a foreign key lacked, added by design (foreign-key-missing-index): not in the original's end state.
    // Known by name: its table may be renamed later.
    for (const step of result.steps) for (const m of step.sql.matchAll(/CREATE INDEX CONCURRENTLY IF NOT EXISTS ("(?:[^"]|"")+"|\S+) ON /g)) if (step.slug === 'foreign_key_index') stats.addedIndexes.add(unquote(m[1]));
    if (result.steps.some((s) => PLACEHOLDER.test(s.sql))) {
      stats.placeholders++;
      await applyAsWritten(fixed, project, file, migration);
      continue;
    }
    try {
      if (project.runner === 'prisma') {
        // Each migration.sql in one go, as Prisma's schema engine runs it; the later deploys' directories after.
        for (const out of renderPrismaMigrations(result, file.name)) await fixed.query(out.sql);
      } else {
        for (const out of renderRunFiles(result, `${file.name}.sql`)) {
          const done = await execute(plan(parseMigration(out.sql, out.path), { pgVersion }), { client: fixed, monitor: false });
          if (done.status !== 'completed') throw new Error(`${out.path}: ${done.status}: ${done.error?.message ?? JSON.stringify(done.error)}`);
        }
      }
      stats.applied++;
    } catch (error) {
      stats.failed.push(`${file.name}: ${message(error)}`);
      await resync();
    }
  }
  const reference = await endState(original);
  const unstable = unstableKeys(reference, await endState(again));
  const without = new Set(unstable);
  const end = await endState(fixed);
  for (const key of end.keys()) if (key.startsWith('index ') && stats.addedIndexes.has(key.slice(key.lastIndexOf('.') + 1))) without.add(key);
  const differences = diffEndStates(reference, end, without);
  await Promise.all([original.end(), again.end(), fixed.end()]);
  for (const n of Object.values(names)) await admin.query(`DROP DATABASE IF EXISTS ${n} WITH (FORCE)`);
  await admin.end();
  return { ...stats, addedIndexes: stats.addedIndexes.size, unstable: unstable.size, equal: differences.length === 0, differences };
}

async function main() {
  let server;
  let adminUrl = args.url;
  if (args.embedded) {
    const { startScratchServer } = await import('../../packages/cli/dist/scratch-server.js');
    server = await startScratchServer();
    adminUrl = server.url;
  }
  if (!adminUrl) throw new Error('give --url <admin url> (or TEST_DATABASE_URL), or --embedded');
  try {
    await loadParser();
    const admin = await connect(adminUrl);
    const { rows } = await admin.query('SHOW server_version_num');
    await admin.end();
    const pgVersion = Math.floor(Number(rows[0].server_version_num) / 10000);
    const wanted = args.projects?.split(',');
    const results = [];
    console.log(`PostgreSQL ${pgVersion}`);
    console.log('project         runner  files  changed  applied  placeholders  failed  end state');
    for (const project of PROJECTS.filter((p) => !wanted || wanted.includes(p.name))) {
      const t0 = performance.now();
      const r = await replay(adminUrl, project, pgVersion);
      results.push(r);
      if (r.missing) {
        console.log(`${project.name.padEnd(15)} (not found under ${args.real})`);
        continue;
      }
      const end = r.originalFailed ? `original history fails at ${r.originalFailed}` : `${r.equal ? 'equal' : `${r.differences.length} differences`} (apart: ${r.addedIndexes} foreign-key indexes added by design, ${r.unstable} columns that differ between two runs of the original)`;
      console.log(
        `${r.name.padEnd(15)} ${r.runner.padEnd(7)} ${String(r.files).padStart(5)}  ${String(r.changed).padStart(7)}  ${String(r.applied).padStart(7)}  ${String(r.placeholders).padStart(12)}  ${String(r.failed.length).padStart(6)}  ${end}${r.resynced ? ` (resynced ${r.resynced}x)` : ''}  ${((performance.now() - t0) / 1000).toFixed(0)}s`,
      );
      const show = args.verbose ? Infinity : 5;
      for (const f of r.failed.slice(0, show)) console.log(`    failed: ${f}`);
      for (const d of r.differences.slice(0, show)) console.log(`    ${d}`);
    }
    const done = results.filter((r) => !r.missing && !r.originalFailed);
    const toApply = done.reduce((n, r) => n + r.changed - r.placeholders, 0);
    const applied = done.reduce((n, r) => n + r.applied, 0);
    console.log(`\nfixed files applied: ${applied}/${toApply}${toApply ? ` (${((100 * applied) / toApply).toFixed(1)}%)` : ''}, placeholders apart: ${done.reduce((n, r) => n + r.placeholders, 0)}; end state equal: ${done.filter((r) => r.equal).length}/${done.length} projects`);
  } finally {
    await server?.stop();
  }
}

await main();
