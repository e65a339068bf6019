// What the application sees while a migration waits for its lock behind a long transaction (incident 2):
// the same ALTER run unguarded and through `pgsafe run`, against a baseline with no migration.
// Usage: node bench/app-impact.mjs [--rows 1000000] [--blocker 8] [--lock-timeout 500ms] [--clients 4]
// Server: TEST_DATABASE_URL, DATABASE_URL, or postgres://postgres@127.0.0.1:5432/postgres. It creates, and drops,
// a database of its own there.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    blocker: { type: 'string', default: '8' },
    'lock-timeout': { type: 'string', default: '500ms' },
    clients: { type: 'string', default: '4' },
    lead: { type: 'string', default: '1.5' },
  },
});
const rows = Number(values.rows);
const blockerS = Number(values.blocker);
const lockTimeout = values['lock-timeout'];
const lockTimeoutMs = parseMs(lockTimeout);
const clients = Number(values.clients);
const leadMs = Number(values.lead) * 1000;

const pgsafeBin = join(here, '../packages/cli/dist/bin.js');
if (!existsSync(pgsafeBin)) throw new Error('build first: pnpm build');

const adminUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `pgsafe_bench_${randomBytes(4).toString('hex')}`;
const url = (() => {
  const u = new URL(adminUrl);
  u.pathname = `/${dbName}`;
  return u.toString();
})();

function parseMs(text) {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|min)?$/.exec(text.trim());
  if (!m) throw new Error(`--lock-timeout: expected e.g. 500ms or 2s, got ${text}`);
  return Number(m[1]) * { ms: 1, s: 1000, min: 60000 }[m[2] ?? 'ms'];
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.now();

async function connect(u, applicationName) {
  const client = new pg.Client({ connectionString: u, application_name: applicationName });
  client.on('error', () => {});
  await client.connect();
  return client;
}

async function admin(sql) {
  const c = await connect(adminUrl, 'pgsafe-bench-admin');
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** Steady read + write traffic: `clients` sessions, half reading a row by primary key, half updating one, with a
 *  short pause between queries. Every query's start and end are recorded. Stops at stop(), or by itself at `until`. */
async function startLoad(until) {
  const ops = [];
  let running = true;
  const loops = [];
  for (let i = 0; i < clients; i++) {
    const c = await connect(url, `app-${i % 2 ? 'writer' : 'reader'}-${i}`);
    const write = i % 2 === 1;
    loops.push(
      (async () => {
        while (running && now() < until) {
          const id = 1 + Math.floor(Math.random() * rows);
          const start = now();
          let ok = true;
          try {
            if (write) await c.query('UPDATE items SET qty = qty + 1 WHERE id = $1', [id]);
            else await c.query('SELECT id, account, qty FROM items WHERE id = $1', [id]);
          } catch {
            ok = false;
          }
          ops.push({ start, end: now(), ok });
          await sleep(2);
        }
        await c.end().catch(() => {});
      })(),
    );
  }
  return {
    ops,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

/** The reporting transaction of incident 2: reads the table, then keeps its transaction open for `blockerS`. */
function startBlocker() {
  const started = now();
  const done = (async () => {
    const c = await connect(url, 'nightly-report');
    try {
      await c.query('BEGIN');
      await c.query('SELECT count(*) FROM items');
      await c.query(`SELECT pg_sleep(${blockerS})`);
      await c.query('COMMIT');
    } finally {
      await c.end().catch(() => {});
    }
    return now();
  })();
  return { started, done };
}

function appStats(ops, from, to) {
  const inWindow = ops.filter((o) => o.end >= from && o.start <= to);
  const lat = inWindow.map((o) => o.end - o.start).sort((a, b) => a - b);
  const pct = (p) => (lat.length ? lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))] : 0);
  return { ops: lat.length, errors: inWindow.filter((o) => !o.ok).length, p50: pct(50), p99: pct(99), max: lat.at(-1) ?? 0 };
}

function runCli(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [pgsafeBin, ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function scenario(name, load, migrate) {
  await sleep(1500); // let the previous scenario's effects drain
  await migrate?.prepare?.();
  const blocker = startBlocker();
  await sleep(leadMs);
  const start = now();
  const detail = migrate ? await migrate() : undefined;
  const end = migrate ? now() : await blocker.done;
  const blockerEnd = await blocker.done;
  return {
    name,
    migrationMs: migrate ? end - start : undefined,
    doneAfterBlockerStartMs: migrate ? end - blocker.started : undefined,
    blockerMs: blockerEnd - blocker.started,
    app: appStats(load.ops, start, end),
    detail,
  };
}

function guarded(column, extra) {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgsafe-bench-'));
    const file = join(dir, `add_${column}.sql`);
    writeFileSync(file, `ALTER TABLE items ADD COLUMN ${column} text;\n`);
    const r = await runCli(['run', file, '--database-url', url, '--lock-timeout', lockTimeout, '--format', 'json', ...extra]);
    const events = r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const result = events.find((e) => e.type === 'result')?.result;
    if (r.code !== 0 || result?.status !== 'completed') throw new Error(`pgsafe run exited ${r.code}: ${r.stderr || r.stdout.slice(-2000)}`);
    const attempts = result.steps[0].attempts.length;
    const waited = result.steps[0].preflightWaitMs;
    return `${attempts} attempt${attempts === 1 ? '' : 's'}${waited ? `, pre-flight waited ${(waited / 1000).toFixed(1)}s` : ''}`;
  };
}

/** A knex migration adding `column`, run by `knex.migrate.latest()` through @pgsafe/knex with `policy`, in a
 *  process of its own (as a deploy runs it). The process starts and loads knex before the blocker (`prepare`), and
 *  migrates when told to: its start-up time is not counted as lock waiting. */
function knexGuarded(column, policy) {
  let child;
  let result;
  const migrate = async () => {
    child.stdin.write('go\n');
    const r = await result;
    if (r.code !== 0) throw new Error(`knex migrate exited ${r.code}: ${r.stderr.slice(-2000)}`);
    const { retries } = JSON.parse(r.stdout.trim().split('\n').at(-1));
    const waited = /pre-flight: wait/.test(r.stderr);
    return `${retries + 1} attempt${retries ? 's' : ''}${waited ? ', pre-flight waited' : ''}`;
  };
  migrate.prepare = async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgsafe-bench-knex-'));
    writeFileSync(join(dir, `20240101000000_add_${column}.cjs`), `exports.up = (knex) => knex.raw('ALTER TABLE items ADD COLUMN ${column} text');\nexports.down = async () => {};\n`);
    const script = `import { createRequire } from 'node:module';
import { withPgsafe } from '@pgsafe/knex';
const knex = createRequire(${JSON.stringify(join(here, '../packages/knex/package.json'))})('knex');
import { once } from 'node:events';
let retries = 0;
const db = knex(withPgsafe({ client: 'pg', connection: ${JSON.stringify(url)}, migrations: { directory: ${JSON.stringify(dir)}, loadExtensions: ['.cjs'], tableName: 'knex_migrations_${column}' } },
  { config: { run: { lockTimeout: ${JSON.stringify(lockTimeout)} } }, policy: ${JSON.stringify(policy)}, onEvent: (e) => { if (e.type === 'retry') retries++; if (e.type === 'preflight') console.error('pre-flight: ' + e.action); } }));
await db.raw('SELECT 1');
console.log('ready');
await once(process.stdin, 'data');
try { await db.migrate.latest(); } finally { await db.destroy(); }
console.log(JSON.stringify({ retries }));
process.exit(0);
`;
    child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: here });
    let stdout = '';
    let stderr = '';
    let ready;
    const isReady = new Promise((resolve) => (ready = resolve));
    child.stdout.on('data', (d) => {
      stdout += d;
      if (stdout.includes('ready')) ready();
    });
    child.stderr.on('data', (d) => (stderr += d));
    result = new Promise((resolve) => child.on('close', (code) => (ready(), resolve({ code, stdout, stderr }))));
    await isReady;
  };
  return migrate;
}

async function main() {
  const ms = (v) => (v === undefined ? '-' : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${Math.round(v)} ms`);
  console.log(`server: ${new URL(adminUrl).host}, database ${dbName}; ${rows.toLocaleString('en')} rows, ${clients} app sessions, blocker ${blockerS} s, lock_timeout ${lockTimeout}`);
  await admin(`CREATE DATABASE ${dbName}`);
  let load;
  try {
    const setup = await connect(url, 'pgsafe-bench-setup');
    const t = now();
    await setup.query('CREATE TABLE items (id bigint PRIMARY KEY, account int NOT NULL, qty int NOT NULL, note text)');
    await setup.query(`INSERT INTO items SELECT i, i % 10000, 0, md5(i::text) FROM generate_series(1, ${rows}) AS i`);
    await setup.query('VACUUM ANALYZE items');
    const version = (await setup.query('SHOW server_version')).rows[0].server_version;
    await setup.end();
    console.log(`PostgreSQL ${version}; table ready in ${ms(now() - t)}`);

    // Bounded: the traffic stops by itself even if a scenario hangs.
    load = await startLoad(now() + 7 * (blockerS * 1000 + leadMs + 5000) + 60_000);
    await sleep(1000);
    const results = [];
    results.push(await scenario('baseline: blocker, no migration', load));
    results.push(
      await scenario('unguarded ALTER (no lock_timeout)', load, async () => {
        const c = await connect(url, 'migration-unguarded');
        try {
          await c.query('ALTER TABLE items ADD COLUMN c_unguarded text');
        } finally {
          await c.end();
        }
        return '1 attempt, queued behind the blocker';
      }),
    );
    results.push(await scenario('pgsafe run (default: pre-flight wait)', load, guarded('c_guarded', [])));
    results.push(await scenario('pgsafe run --preflight off (retries only)', load, guarded('c_retries', ['--preflight', 'off'])));
    // The ORM guards (knex here; TypeORM and MikroORM share core's guard): the retry schedule before issue 21
    // (attempts of 1/4, 1/2, then the whole lock_timeout; back-off 200 ms doubling to 2 s), today's (attempts of 1/10
    // then 1/4 of it; back-off 250 ms doubling to 4 s), both without pre-flight, and the default (pre-flight wait).
    const OLD_SCHEDULE = { lockTimeoutRamp: [0.25, 0.5, 1], baseDelayMs: 200, maxDelayMs: 2000, preflight: { mode: 'off' } };
    results.push(await scenario('knex guard, old retry schedule, no pre-flight', load, knexGuarded('c_knex_old', OLD_SCHEDULE)));
    results.push(await scenario('knex guard, retry schedule, no pre-flight', load, knexGuarded('c_knex_new', { preflight: { mode: 'off' } })));
    results.push(await scenario('knex guard (default: pre-flight wait)', load, knexGuarded('c_knex_pre', {})));
    await load.stop();

    console.log('');
    console.log('| scenario | app max | app p99 | app p50 | app queries (errors) | migration time | done after blocker start | how |');
    console.log('|---|---|---|---|---|---|---|---|');
    for (const r of results) {
      console.log(`| ${r.name} | ${ms(r.app.max)} | ${ms(r.app.p99)} | ${ms(r.app.p50)} | ${r.app.ops} (${r.app.errors}) | ${ms(r.migrationMs)} | ${ms(r.doneAfterBlockerStartMs)} | ${r.detail ?? `blocker held ${ms(r.blockerMs)}`} |`);
    }
    const baseline = results[0];
    let pass = true;
    console.log('');
    for (const r of results.slice(2)) {
      const latencyOk = r.app.max <= baseline.app.max + lockTimeoutMs + 100;
      const timeOk = r.doneAfterBlockerStartMs <= blockerS * 1000 + 3000;
      pass &&= latencyOk && timeOk && r.app.errors === 0;
      console.log(`${latencyOk ? 'PASS' : 'FAIL'} ${r.name}: app max ${ms(r.app.max)} <= baseline ${ms(baseline.app.max)} + lock_timeout ${lockTimeout} + 100 ms`);
      console.log(`${timeOk ? 'PASS' : 'FAIL'} ${r.name}: done ${ms(r.doneAfterBlockerStartMs)} after the blocker started <= blocker ${blockerS} s + 3 s`);
    }
    const unguarded = results[1];
    console.log(`(unguarded for comparison: app max ${ms(unguarded.app.max)}, p99 ${ms(unguarded.app.p99)})`);
    mkdirSync(join(here, '.results'), { recursive: true });
    writeFileSync(join(here, '.results/app-impact.json'), JSON.stringify({ rows, clients, blockerS, lockTimeout, results }, null, 2));
    process.exitCode = pass ? 0 : 1;
  } finally {
    await load?.stop().catch(() => {});
    await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch((e) => console.error(`could not drop ${dbName}: ${e.message}`));
  }
}

await main();
