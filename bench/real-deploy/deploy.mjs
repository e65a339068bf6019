// Deploys a real project's whole migration history onto empty databases with the ORM's own runner, without and
// with the pgsafe guard, then compares what each left: the schema (pg_dump --schema-only), the ORM's bookkeeping
// and the rows the migrations inserted. Counts the refusals.
//
//   node bench/real-deploy/deploy.mjs <extracted project> [--orm knex|typeorm|mikro-orm|prisma] [--runs 1] [--json file]
//
// Projects: /work/real/joplin (knex), medusa-v1 (TypeORM 0.3), medusa-v2 (MikroORM 6), rallly, documenso,
// ghostfolio, umami (Prisma). Server: TEST_DATABASE_URL, DATABASE_URL or postgres://postgres@127.0.0.1:5432/postgres;
// each deploy gets a database of its own there, dropped afterwards. Needs pg_dump on PATH of the server's major.
//
// Modes (each in a process of its own):
//   plain    the ORM's runner as the project calls it;
//   guarded  the same through the pgsafe adapter, default config: completes, or stops at the first refusal;
//   audit    guarded, with error-level findings reported instead of refused: every would-be refusal is counted,
//            and the deploy goes to the end (its schema is compared with plain's).
//   large    on a database of its own: guarded, then a table of 1M rows, then one more migration through the same
//            runner with a plain CREATE INDEX on it: it must be refused, with the size.
// Exit code: 0 when the audit deploy's schema, bookkeeping and rows equal plain's (and the guarded one's, when it
// completes) and the large step is refused; 1 otherwise, 2 when a deploy broke.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createDatabase, dropDatabase, firstDifference, here, query, removeBuild, rowCounts, schemaDump, serverVersion } from './lib.mjs';
import { detect } from './projects.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { orm: { type: 'string' }, runs: { type: 'string', default: '1' }, json: { type: 'string' }, keep: { type: 'boolean', default: false } },
});
if (positionals.length !== 1) {
  console.error('usage: node bench/real-deploy/deploy.mjs <extracted project dir> [--orm knex|typeorm|mikro-orm|prisma] [--runs N] [--json file]');
  process.exit(2);
}
const root = resolve(positionals[0]);
const runs = Number(values.runs);
const found = detect(root, values.orm);
console.log(`${found.name} (${found.orm}) from ${root}; PostgreSQL ${await serverVersion()}`);
const t0 = performance.now();
const project = found.prepare();
if (project.dir) console.log(`built in ${Math.round(performance.now() - t0)} ms into ${project.dir}${project.tscOutput ? ` (tsc said ${project.tscOutput.split('\n').length} lines)` : ''}`);

const BOOKKEEPING = {
  knex: 'SELECT name FROM knex_migrations ORDER BY id',
  typeorm: 'SELECT name FROM migrations ORDER BY id',
  'mikro-orm': 'SELECT name FROM mikro_orm_migrations ORDER BY id',
  prisma: 'SELECT migration_name AS name, checksum, applied_steps_count, finished_at IS NOT NULL AS finished, logs, rolled_back_at FROM _prisma_migrations ORDER BY started_at, migration_name',
};
const BOOK_TABLES = ['knex_migrations', 'knex_migrations_lock', 'migrations', 'mikro_orm_migrations', '_prisma_migrations'];

function deployOnce(mode, url) {
  const r = spawnSync(process.execPath, [`${here}/run.mjs`, JSON.stringify({ project, url, mode })], { cwd: here, encoding: 'utf8', maxBuffer: 256 << 20 });
  const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`${mode} deploy crashed (exit ${r.status}):\n${r.stderr.slice(-4000)}`);
  return { ...JSON.parse(line.slice(7)), stderrLines: r.stderr.split('\n').length - 1 };
}

async function deploy(mode) {
  const db = await createDatabase(`${found.name}_${mode}`);
  try {
    const result = deployOnce(mode, db.url);
    if (result.ok || result.refused) {
      result.schema = schemaDump(db.url);
      result.book = await query(db.url, BOOKKEEPING[found.orm]).catch(() => []);
      result.rows = await rowCounts(db.url, BOOK_TABLES);
    }
    return result;
  } finally {
    if (!values.keep) await dropDatabase(db.name);
    else console.log(`kept ${db.name}`);
  }
}

/** The history deployed through the guard, then a table of 1M rows, then one more migration through the same ORM
 *  runner: a plain CREATE INDEX on that table. It must be refused, with the size. */
async function deployLarge() {
  const db = await createDatabase(`${found.name}_large`);
  try {
    const history = deployOnce('guarded', db.url);
    if (!history.ok) return { outcome: 'history not deployed', error: history.error ?? history.refused?.message };
    await query(db.url, "CREATE TABLE pgsafe_bench_events AS SELECT g::bigint AS id, 'kind' || (g % 100) AS kind FROM generate_series(1, 1000000) g");
    await query(db.url, 'ANALYZE pgsafe_bench_events');
    const r = deployOnce('large', db.url);
    const index = await query(db.url, "SELECT 1 FROM pg_class WHERE relname = 'pgsafe_bench_events_kind_idx'");
    return r.refused
      ? { outcome: 'refused', rules: r.refused.rules, size: r.refused.live?.find((t) => / rows/.test(t)) ?? null, indexBuilt: index.length > 0 }
      : { outcome: r.ok ? 'NOT refused' : 'failed', error: r.error, indexBuilt: index.length > 0 };
  } finally {
    if (!values.keep) await dropDatabase(db.name);
  }
}

const summary = { project: found.name, orm: found.orm, root, runs: [] };
let exit = 0;
try {
  for (let i = 0; i < runs; i++) {
    const plain = await deploy('plain');
    if (!plain.ok) throw new Error(`the unguarded deploy failed: ${plain.error}`);
    const guarded = await deploy('guarded');
    const audit = await deploy('audit');
    if (!audit.ok) throw new Error(`the audit deploy failed: ${audit.error ?? audit.refused?.message}`);
    const large = await deployLarge();
    const bookSame = (a, b) => JSON.stringify(a.book.map(stripTimes)) === JSON.stringify(b.book.map(stripTimes));
    const errors = audit.findings.filter((f) => f.severity === 'error');
    const refusedMigrations = [...new Set(errors.map((f) => f.migration))];
    const byRule = {};
    for (const f of errors) byRule[f.rule] = (byRule[f.rule] ?? 0) + 1;
    const run = {
      migrations: plain.book.length,
      plain: { ms: plain.ms, cpuMs: plain.cpuMs },
      guarded: guarded.ok
        ? { outcome: 'completed', ms: guarded.ms, cpuMs: guarded.cpuMs, identicalSchema: guarded.schema === plain.schema, identicalBookkeeping: bookSame(guarded, plain), identicalRows: same(guarded.rows, plain.rows) }
        : guarded.refused
          ? { outcome: 'refused', at: guarded.refused.migration, rules: guarded.refused.rules, appliedBefore: guarded.book.length }
          : { outcome: 'failed', error: guarded.error },
      large,
      audit: {
        ms: audit.ms,
        cpuMs: audit.cpuMs,
        wouldRefuseMigrations: refusedMigrations.length,
        errorFindings: errors.length,
        warnings: audit.findings.length - errors.length,
        letThrough: audit.passed?.length ?? 0,
        byRule,
        errors: errors.slice(0, 20).map((f) => `${f.migration}: ${f.rule}${f.sql ? `: ${f.sql}` : ''}`),
        retries: audit.retries,
        identicalSchema: audit.schema === plain.schema,
        identicalBookkeeping: bookSame(audit, plain),
        identicalRows: same(audit.rows, plain.rows),
        ...(audit.schema !== plain.schema ? { schemaDifference: firstDifference(plain.schema, audit.schema) } : {}),
      },
    };
    summary.runs.push(run);
    print(run);
    if (!run.audit.identicalSchema || !run.audit.identicalBookkeeping || !run.audit.identicalRows) exit = 1;
    if (run.guarded.outcome === 'completed' && !(run.guarded.identicalSchema && run.guarded.identicalBookkeeping && run.guarded.identicalRows)) exit = 1;
    if (large.outcome !== 'refused' || large.indexBuilt) exit = 1;
  }
} catch (e) {
  console.error(`bench failed: ${e.stack ?? e}`);
  exit = 2;
} finally {
  if (project.dir && !values.keep) removeBuild(project.dir);
}
if (values.json) writeFileSync(values.json, JSON.stringify(summary, null, 2));
process.exit(exit);

function stripTimes(row) {
  const { finished_at: _f, started_at: _s, executed_at: _e, migration_time: _m, ...rest } = row;
  return rest;
}

function same(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

function print(run) {
  const yes = (b) => (b ? 'yes' : 'NO');
  const g = run.guarded;
  console.log(`  migrations applied (unguarded): ${run.migrations}`);
  console.log(`  unguarded deploy: ${run.plain.ms} ms (CPU ${run.plain.cpuMs} ms)`);
  if (g.outcome === 'completed') {
    console.log(`  guarded deploy, default config: completed in ${g.ms} ms (CPU ${g.cpuMs} ms), ${(g.ms / run.plain.ms).toFixed(2)}x; schema identical ${yes(g.identicalSchema)}, bookkeeping identical ${yes(g.identicalBookkeeping)}, rows identical ${yes(g.identicalRows)}`);
  } else if (g.outcome === 'refused') {
    console.log(`  guarded deploy, default config: REFUSED at ${g.at} (${g.rules.join(', ')}) after ${g.appliedBefore} applied migrations`);
  } else console.log(`  guarded deploy, default config: FAILED: ${g.error}`);
  const l = run.large;
  console.log(`  1M-row table, then a plain CREATE INDEX on it through the guarded runner: ${l.outcome}${l.rules ? ` (${l.rules.join(', ')})` : ''}${l.size ? `: "${l.size}"` : ''}${l.error ? `: ${l.error}` : ''}; index built: ${l.indexBuilt ? 'YES' : 'no'}`);
  const a = run.audit;
  console.log(`  audit (refusals reported, not enforced): ${a.wouldRefuseMigrations} migrations would be refused (${a.errorFindings} error findings, ${a.warnings} warnings, ${a.letThrough} let through by the deploy's context, ${a.retries} lock retries)`);
  for (const [rule, n] of Object.entries(a.byRule).sort((x, y) => y[1] - x[1])) console.log(`    ${String(n).padStart(4)}  ${rule}`);
  for (const e of a.errors) console.log(`    error: ${e}`);
  console.log(`  audit deploy: ${a.ms} ms (CPU ${a.cpuMs} ms), ${(a.ms / run.plain.ms).toFixed(2)}x wall, ${(a.cpuMs / run.plain.cpuMs).toFixed(2)}x CPU; schema identical ${yes(a.identicalSchema)}, bookkeeping identical ${yes(a.identicalBookkeeping)}, rows identical ${yes(a.identicalRows)}`);
  if (a.schemaDifference) console.log(`  first schema difference: ${a.schemaDifference}`);
}
