// How long the size-dependent statements hold their traffic-blocking lock, by table size: the measurement behind
// the default of run.largeTableRows (below it, such a statement is a warning that prints the size; at or above it,
// a refusal). Each statement runs in a transaction of its own, rolled back, on a freshly filled and analyzed table.
//
//   node bench/large-table-threshold.mjs [--sizes 10000,100000,1000000] [--repeat 3]
//
// Server: TEST_DATABASE_URL, DATABASE_URL or postgres://postgres@127.0.0.1:5432/postgres; a database of its own
// there, dropped at the end. Prints the median ms per statement and size.
import { parseArgs } from 'node:util';
import pg from 'pg';

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '10000,30000,100000,300000,1000000' }, repeat: { type: 'string', default: '3' } } });
const sizes = values.sizes.split(',').map(Number);
const repeat = Number(values.repeat);
const server = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `pgsafe_threshold_${process.pid}`;

const STATEMENTS = {
  'CREATE INDEX (SHARE)': 'CREATE INDEX t_user_idx ON t (user_id)',
  'CREATE UNIQUE INDEX (SHARE)': 'CREATE UNIQUE INDEX t_email_key ON t (email)',
  'ADD FOREIGN KEY, validated (SHARE ROW EXCLUSIVE)': 'ALTER TABLE t ADD CONSTRAINT t_user_fk FOREIGN KEY (user_id) REFERENCES users (id)',
  'ADD CHECK, validated (ACCESS EXCLUSIVE)': 'ALTER TABLE t ADD CONSTRAINT t_amount_check CHECK (amount >= 0)',
  'SET NOT NULL scan (ACCESS EXCLUSIVE)': 'ALTER TABLE t ALTER COLUMN note SET NOT NULL',
  'ALTER COLUMN TYPE rewrite (ACCESS EXCLUSIVE)': 'ALTER TABLE t ALTER COLUMN amount TYPE bigint',
};

const admin = new pg.Client({ connectionString: server });
await admin.connect();
await admin.query(`CREATE DATABASE ${dbName}`);
const url = new URL(server);
url.pathname = `/${dbName}`;
const db = new pg.Client({ connectionString: url.toString() });
await db.connect();
try {
  const { rows: v } = await db.query('SHOW server_version');
  console.log(`PostgreSQL ${v[0].server_version}; median of ${repeat} runs, ms the statement (and its lock) took`);
  await db.query('CREATE TABLE users (id bigint PRIMARY KEY)');
  await db.query('INSERT INTO users SELECT g FROM generate_series(1, 10000) g');
  const header = ['rows', ...Object.keys(STATEMENTS)];
  console.log(header.join(' | '));
  for (const n of sizes) {
    await db.query('DROP TABLE IF EXISTS t');
    await db.query('CREATE TABLE t (id bigint PRIMARY KEY, user_id bigint, email text, amount int, note text, created_at timestamptz DEFAULT now())');
    await db.query(`INSERT INTO t (id, user_id, email, amount, note) SELECT g, 1 + g % 10000, 'user' || g || '@example.com', g % 1000, 'n' FROM generate_series(1, $1) g`, [n]);
    await db.query('VACUUM ANALYZE t');
    const cells = [n.toLocaleString('en-US')];
    for (const sql of Object.values(STATEMENTS)) {
      const times = [];
      for (let i = 0; i < repeat; i++) {
        await db.query('BEGIN');
        const t0 = performance.now();
        await db.query(sql);
        times.push(performance.now() - t0);
        await db.query('ROLLBACK');
      }
      times.sort((a, b) => a - b);
      cells.push(String(Math.round(times[Math.floor(times.length / 2)])));
    }
    console.log(cells.join(' | '));
  }
} finally {
  await db.end();
  await admin.query(`DROP DATABASE ${dbName}`);
  await admin.end();
}
