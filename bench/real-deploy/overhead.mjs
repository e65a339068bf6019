// The guard's cost against the unguarded ORM's, per adapter: a generated history of N statements (default 1,000, in
// migrations of 100) deployed onto an empty database through each ORM's own runner, without and with the pgsafe
// adapter (run.mjs, a process per deploy, so its CPU is its own: the ORM's and pgsafe's module loading included).
// Plain and guarded deploys alternate, several repetitions; the medians and their ratio are printed per adapter.
//
//   node bench/real-deploy/overhead.mjs [--statements 1000] [--per-migration 100] [--runs 5] [--orm knex,typeorm,mikro-orm,prisma]
//
// Prisma's "unguarded" is its engine's apply algorithm on a bare connection (run.mjs), not Prisma's CLI.
// Server: TEST_DATABASE_URL, DATABASE_URL or postgres://postgres@127.0.0.1:5432/postgres; a database per deploy.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createDatabase, dropDatabase, here, ormHome, serverVersion } from './lib.mjs';
import { ormStatements as statements } from '../lib/orm-statements.mjs';

const { values } = parseArgs({
  options: {
    statements: { type: 'string', default: '1000' },
    'per-migration': { type: 'string', default: '100' },
    runs: { type: 'string', default: '5' },
    orm: { type: 'string', default: 'knex,typeorm,mikro-orm,prisma' },
  },
});
const total = Number(values.statements);
const per = Number(values['per-migration']);
const runs = Number(values.runs);


const chunks = [];
const list = statements(total);
for (let i = 0; i < list.length; i += per) chunks.push(list.slice(i, i + per));
const stamp = (i) => String(1700000000000 + i * 1000);
const lines = (sqls, call) => sqls.map((s) => `    ${call}(${JSON.stringify(s)});`).join('\n');

/** The history in each ORM's own form, as run.mjs deploys it. */
function projectFor(orm, dir) {
  const home = join(dir, orm);
  mkdirSync(home);
  if (orm === 'knex') {
    chunks.forEach((c, i) => writeFileSync(join(home, `${stamp(i)}_m${i}.js`), `exports.up = async (knex) => {\n${lines(c, 'await knex.raw')}\n};\nexports.down = () => {};\n`));
    return { kind: 'knex', migrationsDir: home };
  }
  if (orm === 'typeorm') {
    chunks.forEach((c, i) => writeFileSync(join(home, `${stamp(i)}-m${i}.js`), `exports.M${stamp(i)} = class M${stamp(i)} {\n  name = 'M${stamp(i)}';\n  async up(queryRunner) {\n${lines(c, 'await queryRunner.query')}\n  }\n  async down() {}\n};\n`));
    return { kind: 'typeorm', migrationsDir: home, enabledFlags: [] };
  }
  if (orm === 'mikro-orm') {
    const base = JSON.stringify(ormHome('@mikro-orm/migrations'));
    chunks.forEach((c, i) => {
      const name = `Migration${stamp(i)}_m${i}`;
      writeFileSync(join(home, `${name}.js`), `const { Migration } = require(${base});\nclass ${name} extends Migration {\n  async up() {\n${lines(c, 'this.addSql')}\n  }\n}\nexports.${name} = ${name};\n`);
    });
    return { kind: 'mikro-orm', modules: [{ name: 'bench', path: home }] };
  }
  chunks.forEach((c, i) => {
    mkdirSync(join(home, `${stamp(i)}_m${i}`));
    writeFileSync(join(home, `${stamp(i)}_m${i}`, 'migration.sql'), c.map((s) => `${s};\n`).join(''));
  });
  return { kind: 'prisma', migrationsDir: home };
}

async function deploy(project, mode) {
  const db = await createDatabase(`overhead_${project.kind}_${mode}`);
  try {
    const r = spawnSync(process.execPath, [`${here}/run.mjs`, JSON.stringify({ project, url: db.url, mode })], { cwd: here, encoding: 'utf8', maxBuffer: 256 << 20 });
    const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
    if (!line) throw new Error(`${project.kind} ${mode} crashed (exit ${r.status}):\n${r.stderr.slice(-4000)}`);
    const result = JSON.parse(line.slice(7));
    if (!result.ok) throw new Error(`${project.kind} ${mode} did not complete: ${result.error ?? result.refused?.message}`);
    return result;
  } finally {
    await dropDatabase(db.name);
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const dir = mkdtempSync(join(tmpdir(), 'pgsafe-overhead-'));
try {
  console.log(`${total.toLocaleString('en-US')} statements in ${chunks.length} migrations, ${runs} runs each (plain and guarded alternating); PostgreSQL ${await serverVersion()}; load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log('ORM | unguarded CPU ms (median) | guarded CPU ms (median) | CPU ratio | unguarded wall ms | guarded wall ms | wall ratio');
  for (const orm of values.orm.split(',')) {
    const project = projectFor(orm, dir);
    const plain = [];
    const guarded = [];
    for (let i = 0; i < runs; i++) {
      plain.push(await deploy(project, 'plain'));
      guarded.push(await deploy(project, 'guarded'));
    }
    const [pc, gc, pw, gw] = [plain.map((r) => r.cpuMs), guarded.map((r) => r.cpuMs), plain.map((r) => r.ms), guarded.map((r) => r.ms)].map(median);
    console.log(`${orm} | ${pc} | ${gc} | ${(gc / pc).toFixed(2)}x | ${pw} | ${gw} | ${(gw / pw).toFixed(2)}x`);
  }
  console.log(`load at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
