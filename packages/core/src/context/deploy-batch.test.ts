/** The batch and the data at deploy time, on a real server: sizes read on the deploy's own connection, and the
 *  findings of a batch of migrations judged against them. */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { seedRows, useTestDatabase } from '@pgsafe/testing';
import { loadParser, parseMigration } from '../parse.js';
import { tableRefOf } from '../ast.js';
import { DeployBatch } from './deploy-batch.js';
import { liveContext, liveSizes, readSize } from './table-sizes.js';

const db = useTestDatabase('deploy_batch');
let client: pg.Client;
const query = (sql: string, params?: unknown[]) => client.query(sql, params);

beforeAll(() => loadParser());
beforeEach(async () => {
  await db.current.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
  client = await db.current.connect({ applicationName: 'deploy' });
});
afterEach(async () => {
  await client.end();
});

describe('readSize', () => {
  it('counts an empty and a small table exactly, estimates an analyzed large one, and says which', async () => {
    await db.current.query('CREATE TABLE empty_t (id int); CREATE TABLE small_t (id int); CREATE TABLE big_t (id int)');
    await seedRows(db.current, 'small_t', 1234);
    await seedRows(db.current, 'big_t', 50_000);
    await db.current.query('ANALYZE big_t');
    expect(await readSize(query, tableRefOf(undefined, 'empty_t'))).toEqual({ table: 'empty_t', rows: 0, exact: true });
    expect(await readSize(query, tableRefOf(undefined, 'small_t'))).toEqual({ table: 'small_t', rows: 1234, exact: true });
    const big = await readSize(query, tableRefOf(undefined, 'big_t'));
    expect(big).toMatchObject({ table: 'big_t', exact: false });
    expect(Math.abs(big!.rows - 50_000)).toBeLessThan(5000);
    expect(await readSize(query, tableRefOf(undefined, 'missing_t'))).toBeUndefined();
  });

  it('counts a never-analyzed table up to the threshold, and sees the rows of its own open transaction', async () => {
    await client.query('BEGIN');
    await client.query('CREATE TABLE fresh_t (id int)');
    await client.query('INSERT INTO fresh_t SELECT generate_series(1, 30000)');
    // Not analyzed: no estimate; counted exactly up to the threshold given, "more than" past it.
    expect(await liveSizes(query, 50_000)(tableRefOf(undefined, 'fresh_t'))).toEqual({ table: 'fresh_t', rows: 30_000, exact: true });
    expect(await liveSizes(query, 20_000)(tableRefOf(undefined, 'fresh_t'))).toEqual({ table: 'fresh_t', rows: 20_000, exact: false, atLeast: true });
    // Nothing the size reads does aborts the transaction.
    await client.query('COMMIT');
  });
});

describe('DeployBatch', () => {
  const history = [
    'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, total int, note text);',
    [
      'CREATE INDEX orders_user_idx ON orders (user_id);',
      'ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0);',
      'ALTER TABLE orders ALTER COLUMN total TYPE bigint;',
      'ALTER TABLE orders RENAME COLUMN note TO remark;',
      'ALTER TABLE orders ADD COLUMN region text NOT NULL;',
    ].join('\n'),
  ];

  async function deploy(migrations: string[], options: { largeTableRows?: number; live?: boolean } = {}) {
    const largeTableRows = options.largeTableRows ?? 100_000;
    const batch = new DeployBatch({ largeTableRows, ...(options.live === false ? {} : liveContext(query, largeTableRows)) });
    const out = [];
    for (const [i, sql] of migrations.entries()) out.push(await batch.judge(`m${i}`, parseMigration(sql, `m${i}.sql`), { pgVersion: 15, runnerSetsTimeouts: true }));
    return out;
  }
  const rules = (fs: { rule: string; severity: string }[]) => fs.map((f) => `${f.severity}:${f.rule}`).sort();

  it('a fresh install: every finding on a table an earlier migration of the deploy created is let through, with the reason', async () => {
    const [, second] = await deploy(history, { live: false });
    expect(rules(second!.findings).filter((r) => r.startsWith('error'))).toEqual([]);
    const reasons = second!.passed.map((p) => `${p.finding.rule}: ${p.reason}`);
    const why = 'orders has 0 rows; created earlier in this deploy by m0: no running application uses it yet';
    expect(reasons).toContain(`require-concurrent-index-creation: ${why}`);
    // A column of a table this deploy created is no rename of anything a running release uses: no finding at all (issue 22).
    expect([...second!.findings, ...second!.passed.map((p) => p.finding)].map((f) => f.rule)).not.toContain('renaming-column');
    expect(reasons).toContain(`adding-required-field: ${why}`);
    expect(second!.passed.map((p) => p.finding.rule)).toEqual(expect.arrayContaining(['constraint-missing-not-valid', 'changing-column-type']));
  });

  it('the same changes on the live table: empty → let through; small → warnings with the size; large → refused with the size; a NOT NULL column without default on rows still refused', async () => {
    await db.current.query(history[0]!);
    const [empty] = await deploy([history[1]!]);
    expect(rules(empty!.findings).filter((r) => r.startsWith('error'))).toEqual(['error:renaming-column']);
    expect(empty!.passed.map((p) => p.reason)).toContain('orders has 0 rows (exact count)');
    // Empty: adding the required column succeeds (a warning, the application's inserts still need it).
    expect(empty!.findings.find((f) => f.rule === 'adding-required-field')?.severity).toBe('warning');

    await seedRows(db.current, 'orders', 2000, { id: 'i', user_id: 'i % 7', total: 'i' });
    const [small] = await deploy([history[1]!]);
    const index = small!.findings.find((f) => f.rule === 'require-concurrent-index-creation')!;
    expect(index.severity).toBe('warning');
    expect(index.live?.map((x) => x.text)).toEqual(['orders has 2,000 rows (exact count): below the large-table threshold of 100,000 rows (run.largeTableRows), so a warning']);
    expect(rules(small!.findings).filter((r) => r.startsWith('error'))).toEqual(['error:adding-required-field', 'error:renaming-column']);

    const [large] = await deploy([history[1]!], { largeTableRows: 1000 });
    expect(rules(large!.findings).filter((r) => r.startsWith('error'))).toEqual([
      'error:adding-required-field',
      'error:changing-column-type',
      'error:constraint-missing-not-valid',
      'error:renaming-column',
      'error:require-concurrent-index-creation',
    ]);
    expect(large!.findings.find((f) => f.rule === 'changing-column-type')?.live?.[0]?.text).toBe('orders has 2,000 rows (exact count): at or above the large-table threshold of 1,000 rows (run.largeTableRows)');
  });

  it('a table an earlier migration of the deploy filled: its locks still block nobody, but a NOT NULL column without a default fails on its rows', async () => {
    const filled = [
      'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);\nINSERT INTO orders SELECT g, g FROM generate_series(1, 10) g;',
      'CREATE INDEX orders_user_idx ON orders (user_id);\nALTER TABLE orders ADD COLUMN region text NOT NULL;',
    ];
    const [, blind] = await deploy(filled, { live: false });
    expect(blind!.passed.map((p) => `${p.finding.rule}: ${p.reason}`)).toEqual([
      'require-concurrent-index-creation: orders has rows this deploy put in; created earlier in this deploy by m0: no running application uses it yet',
    ]);
    expect(rules(blind!.findings)).toContain('error:adding-required-field');
    // Measured on the deploy's connection once the first migration ran.
    await db.current.query(filled[0]!);
    const [, measured] = await deploy(filled);
    expect(measured!.passed[0]?.reason).toBe('orders has 10 rows (exact count); created earlier in this deploy by m0: no running application uses it yet');
    expect(measured!.findings.find((f) => f.rule === 'adding-required-field')?.live?.[0]?.text).toBe('orders has 10 rows (exact count); created earlier in this deploy by m0');
  });

  it('follows the rows a data migration copies: from tables still empty on a fresh install, none', async () => {
    const copied = [
      "CREATE TABLE old_votes (id int, poll text);\nCREATE TABLE polls (id text);\nINSERT INTO polls VALUES ('a'), ('b');",
      'CREATE TABLE votes (id int, poll text);\nWITH moved AS (SELECT v.id, v.poll FROM old_votes v JOIN polls p ON p.id = v.poll) INSERT INTO votes SELECT * FROM moved;\nCREATE TABLE poll_copy AS SELECT * FROM polls;',
      'CREATE INDEX votes_poll_idx ON votes (poll);\nCREATE INDEX poll_copy_idx ON poll_copy (id);',
    ];
    const [, , third] = await deploy(copied, { live: false });
    expect(third!.passed.map((p) => p.reason)).toEqual([
      'votes has 0 rows; created earlier in this deploy by m1: no running application uses it yet',
      'poll_copy has at most 2 rows (put in by this deploy); created earlier in this deploy by m1: no running application uses it yet',
    ]);
  });

  it('live: a table that does not exist is let through (IF EXISTS does nothing); a truncated name is refused only when the cut name is taken', async () => {
    const [dropped] = await deploy(['DROP TABLE IF EXISTS notification;']);
    expect(dropped!.passed.map((p) => `${p.finding.rule}: ${p.reason}`)).toEqual(['ban-drop-table: notification does not exist in the live database (nor earlier in this deploy): nothing to lock']);

    const long = 'payment_collection_payment_providers_payment_provider_id_foreign';
    const cut = long.slice(0, 63);
    await db.current.query('CREATE TABLE pc (id int PRIMARY KEY, provider_id int)');
    const sql = `ALTER TABLE pc ADD CONSTRAINT ${long} CHECK (provider_id > 0) NOT VALID;`;
    const [free] = await deploy([sql]);
    const finding = free!.findings.find((f) => f.rule === 'identifier-too-long');
    expect(finding?.severity).toBe('warning');
    expect(finding?.live?.[0]?.text).toBe(`nothing is named ${cut} in the live database: the object gets that name, so a warning`);
    await db.current.query(`CREATE INDEX ${cut} ON pc (provider_id)`);
    const [taken] = await deploy([sql]);
    expect(taken!.findings.find((f) => f.rule === 'identifier-too-long')?.severity).toBe('error');
  });
});
