// Does checking stay linear in the number of statements? Prints, for migrations of growing size:
//  - `pgsafe check`, `pgsafe run --dry-run` and `pgsafe fix` wall time per 1,000 statements (a separate process each;
//    fix prints its rewrite as JSON: the verification on a scratch server is `fix --write`'s, and not what grows);
//  - the guard (what the knex, TypeORM and MikroORM adapters call per statement): CPU of one migration of N
//    statements sent through MigrationGuard.execute on a real connection, against the same statements sent plain,
//    the guard's CPU for the last 100 statements (what one statement costs late in a long migration), and the
//    guard's own round trips (savepoint, timeouts, reads) per statement.
//
//   node bench/linear-cost.mjs [--sizes 1000,10000,100000] [--guard-sizes 1000,3000]
//
// Server (guard part): TEST_DATABASE_URL, DATABASE_URL or postgres://postgres@127.0.0.1:5432/postgres; a database of
// its own there, dropped at the end.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { MigrationGuard } from '@pgsafe/core';
import { ormStatements as statements } from './lib/orm-statements.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const CLI = join(here, '../packages/cli/dist/bin.js');
const { values } = parseArgs({ options: { sizes: { type: 'string', default: '1000,10000,100000' }, 'guard-sizes': { type: 'string', default: '1000,3000' } } });
const sizes = values.sizes.split(',').map(Number);
const guardSizes = values['guard-sizes'].split(',').map(Number);


const dir = mkdtempSync(join(tmpdir(), 'pgsafe-linear-'));
try {
  console.log('pgsafe check / run --dry-run / fix on one file of N statements (wall, a process each):');
  console.log('statements | check ms | per 1,000 | run --dry-run ms | per 1,000 | fix ms | per 1,000');
  for (const n of sizes) {
    const file = join(dir, `m${n}.sql`);
    writeFileSync(file, statements(n).join(';\n') + ';\n');
    const time = (args) => {
      const t0 = performance.now();
      const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
      if (r.status !== 0 && r.status !== 1) throw new Error(`pgsafe ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(0, 2000)}`);
      return performance.now() - t0;
    };
    const check = time(['check', file, '--format', 'json', '--pg-version', '15']);
    const run = time(['run', file, '--dry-run', '--pg-version', '15', '--allow', 'require-concurrent-index-creation', '--format', 'json']);
    const fix = time(['fix', file, '--json', '--pg-version', '15']);
    const per = (ms) => (ms / (n / 1000)).toFixed(0);
    console.log(`${n.toLocaleString('en-US')} | ${check.toFixed(0)} | ${per(check)} | ${run.toFixed(0)} | ${per(run)} | ${fix.toFixed(0)} | ${per(fix)}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const server = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const admin = new pg.Client({ connectionString: server });
await admin.connect();
const dbName = `pgsafe_linear_${process.pid}`;
await admin.query(`CREATE DATABASE ${dbName}`);
const url = new URL(server);
url.pathname = `/${dbName}`;
try {
  console.log('\nthe guard: one migration of N statements in one transaction, rolled back (CPU of this process):');
  console.log("statements | unguarded CPU ms | guarded CPU ms | ratio | guard CPU per statement, last 100 | guard's own queries per statement");
  for (const n of guardSizes) {
    const list = statements(n);
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      const cpu = () => {
        const u = process.cpuUsage();
        return (u.user + u.system) / 1000;
      };
      await client.query('BEGIN');
      let c0 = cpu();
      for (const sql of list) await client.query(sql);
      const plain = cpu() - c0;
      await client.query('ROLLBACK');

      const guard = new MigrationGuard({ config: {}, onEvent: () => {}, policy: { preflight: { mode: 'off' } } });
      let own = 0;
      const session = { inTransaction: true, query: (q, p) => (own++, client.query(q, p)) };
      guard.beginMigration(`m${n}`);
      await client.query('BEGIN');
      c0 = cpu();
      let lastStart = 0;
      for (const [i, sql] of list.entries()) {
        if (i === list.length - 100) lastStart = cpu();
        await guard.execute(sql, session, () => client.query(sql));
      }
      const guarded = cpu() - c0;
      const last = (cpu() - lastStart) / 100;
      guard.endMigration();
      await client.query('ROLLBACK');
      console.log(`${n.toLocaleString('en-US')} | ${plain.toFixed(0)} | ${guarded.toFixed(0)} | ${(guarded / plain).toFixed(2)}x | ${last.toFixed(2)} ms | ${(own / n).toFixed(2)}`);
    } finally {
      await client.end();
    }
  }
} finally {
  await admin.query(`DROP DATABASE ${dbName} WITH (FORCE)`);
  await admin.end();
}
