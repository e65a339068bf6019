/** check --database-url's facts against real PostgreSQL with rows in the tables: each data-aware fact, the
 *  findings it drops or adds, bounded counting, and the read-only session. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holdLock, seedRows, useTestDatabase } from '@pgsafe/testing';
import { analyze } from '../analyze.js';
import { loadParser, parseMigration } from '../parse.js';
import { applyLiveFacts } from './enrich.js';
import { gatherFacts } from './facts.js';
import { ReadOnlySession } from './readonly.js';
import type { LiveCheckOptions, LiveFact } from './types.js';

const db = useTestDatabase('live');
let ro: ReadOnlySession;

beforeAll(async () => {
  await loadParser();
  const q = (sql: string) => db.current.query(sql);
  await q('CREATE TABLE users (id bigint PRIMARY KEY, email text, name text)');
  // 500 NULL names; emails repeat every 4,900 rows: 100 duplicated keys over 5,000 rows.
  await seedRows(db.current, 'users', 5000, { id: 'i', email: "'u' || (i % 4900) || '@example.com'", name: "CASE WHEN i % 10 = 0 THEN NULL ELSE 'n' || i END" });
  await q('CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, amount int)');
  // amount = i % 100 - 2: two rows in every hundred are <= 0 (amount -2..-1 → 2 rows, and 0 → 1 row: 3 per 100).
  await seedRows(db.current, 'orders', 20000, { id: 'i', user_id: '1 + i % 5000', amount: 'i % 100 - 2' });
  await q('CREATE INDEX orders_user_id_idx ON orders (user_id)');
  await q('CREATE TABLE payments (id bigint PRIMARY KEY, user_id bigint)');
  await seedRows(db.current, 'payments', 3000, { id: 'i', user_id: '1 + i % 5000' });
  await q('CREATE TABLE big (id bigint, flag boolean)');
  await seedRows(db.current, 'big', 200000, { id: 'i', flag: 'CASE WHEN i % 4 = 0 THEN NULL ELSE true END' });
  await q('ANALYZE');
  ro = await ReadOnlySession.open(db.current.url);
});

afterAll(async () => {
  await ro?.close();
});

async function factsOf(sql: string, options: LiveCheckOptions = {}) {
  const migration = parseMigration(sql, 'm.sql');
  const live = await gatherFacts(ro, migration, options);
  const findings = analyze(migration, { pgVersion: 15 });
  return { live, facts: live.statements.flatMap((s) => s.facts), ...applyLiveFacts(migration, findings, live) };
}

const ofKind = (facts: LiveFact[], kind: LiveFact['kind']) => facts.filter((f) => f.kind === kind);

describe('live facts', () => {
  it('reports exact row counts and sizes of the tables a statement touches', async () => {
    const { facts } = await factsOf('ALTER TABLE orders ALTER COLUMN amount TYPE bigint;');
    const [table] = ofKind(facts, 'table');
    expect(table?.data).toMatchObject({ table: 'orders', rows: 20000, lock: 'ACCESS EXCLUSIVE' });
    expect(table?.estimate).toBe(false);
    expect(table?.text).toMatch(/^orders: 20,000 rows, \d+ kB with indexes and TOAST$/);
  });

  it('uses the planner estimate for a table above the exact-count limit, and says so', async () => {
    const { facts } = await factsOf('ALTER TABLE big ADD COLUMN note text;', { exactCountLimit: 1000 });
    const [table] = ofKind(facts, 'table');
    expect(table?.estimate).toBe(true);
    expect(table?.text).toContain('(estimate, pg_class.reltuples)');
    expect(Math.abs((table?.data.rows as number) - 200000)).toBeLessThan(20000);
  });

  it('drops foreign-key-missing-index when the live database already has the index', async () => {
    const { findings, dropped, facts } = await factsOf('ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;');
    expect(ofKind(facts, 'foreign-key-index')[0]?.data).toMatchObject({ table: 'orders', columns: ['user_id'], index: 'orders_user_id_idx' });
    expect(findings.map((f) => f.rule)).not.toContain('foreign-key-missing-index');
    expect(dropped.map((d) => d.finding.rule)).toEqual(['foreign-key-missing-index']);
    expect(dropped[0]?.reason).toBe('orders (user_id) is already indexed in the live database by orders_user_id_idx');
  });

  it('keeps foreign-key-missing-index when no index exists, with the row count to scan', async () => {
    const { findings, dropped } = await factsOf('ALTER TABLE payments ADD CONSTRAINT payments_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;');
    expect(dropped).toEqual([]);
    const fk = findings.find((f) => f.rule === 'foreign-key-missing-index');
    expect(fk?.live?.map((f) => f.text)).toContain('no index on payments (user_id) in the live database either (3,000 rows to scan per parent delete)');
  });

  it('counts NULLs in a column about to become NOT NULL and flags the statement as failing', async () => {
    const { facts, findings } = await factsOf('ALTER TABLE users ALTER COLUMN name SET NOT NULL;');
    const [nulls] = ofKind(facts, 'null-count');
    expect(nulls?.data).toMatchObject({ table: 'users', column: 'name', nulls: 500, method: 'exact count' });
    expect(nulls?.text).toBe('500 NULL values in users.name (exact count): SET NOT NULL will fail until they are filled');
    const violation = findings.find((f) => f.rule === 'live-data-violation');
    expect(violation?.severity).toBe('error');
    expect(violation?.message).toBe('This statement fails on the live data: 500 NULL values in users.name (exact count).');
  });

  it('finds no NULLs in a column that has none, and adds no failing finding', async () => {
    const { facts, findings } = await factsOf('ALTER TABLE users ALTER COLUMN id SET NOT NULL;');
    expect(ofKind(facts, 'null-count')[0]?.data.nulls).toBe(0);
    expect(findings.map((f) => f.rule)).not.toContain('live-data-violation');
  });

  it('estimates NULLs from a sample on a table above the exact-count limit, and says it is an estimate', async () => {
    const { facts } = await factsOf('ALTER TABLE big ALTER COLUMN flag SET NOT NULL;', { exactCountLimit: 1000, sampleRows: 20000 });
    const [nulls] = ofKind(facts, 'null-count');
    expect(nulls?.estimate).toBe(true);
    expect(nulls?.text).toMatch(/^~[\d,]+ NULL values in big\.flag \(estimate from a [\d.]+% sample \([\d,]+ rows\)\)/);
    // A quarter of the rows are NULL; a block sample lands near it.
    expect(Math.abs((nulls?.data.nulls as number) - 50000)).toBeLessThan(15000);
  });

  it('counts the rows violating a CHECK about to be added, with examples', async () => {
    const { facts, findings } = await factsOf('ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0);');
    const [check] = ofKind(facts, 'check-violations');
    expect(check?.data).toMatchObject({ table: 'orders', violating: 600, method: 'exact count', expression: 'amount > 0' });
    expect(check?.data.examples).toHaveLength(3);
    expect(check?.text).toContain('600 rows of orders violate CHECK orders_amount_positive (amount > 0) (exact count); e.g. {"id":');
    expect(findings.some((f) => f.rule === 'live-data-violation')).toBe(true);
  });

  it('counts violations of a NOT VALID CHECK without calling the statement failing', async () => {
    const { facts, findings } = await factsOf('ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0) NOT VALID;');
    expect(ofKind(facts, 'check-violations')[0]?.data.violating).toBe(600);
    expect(findings.map((f) => f.rule)).not.toContain('live-data-violation');
  });

  it('finds duplicates for a unique index about to be built, and the collation of its columns', async () => {
    const { facts, findings } = await factsOf('CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);');
    const [dups] = ofKind(facts, 'duplicates');
    expect(dups?.data).toMatchObject({ table: 'users', columns: ['email'], duplicateKeys: 100, duplicateRows: 200 });
    expect(dups?.data.examples).toHaveLength(3);
    const [coll] = ofKind(facts, 'collation');
    expect(coll?.data.columns).toEqual([expect.objectContaining({ column: 'email', type: 'text', collation: 'default' })]);
    expect(coll?.text).toContain('email text COLLATE the database default');
    // The test database's own default decides: bytewise for C/POSIX, linguistic otherwise.
    const { rows } = await db.current.query<{ c: string }>('SELECT datcollate AS c FROM pg_database WHERE datname = current_database()');
    const bytewise = /^(c|posix|c\.utf-?8)$/i.test(rows[0]!.c);
    expect(coll?.data.linguistic).toEqual(bytewise ? [] : ['email']);
    expect(findings.find((f) => f.rule === 'live-data-violation')?.message).toBe('This statement fails on the live data: 100 duplicate keys in users (email).');
  });

  it('names an explicit column collation behind a unique constraint', async () => {
    await db.current.query('CREATE TABLE tags (id int, label text COLLATE "C")');
    await seedRows(db.current, 'tags', 10, { id: 'i', label: "'t' || i" });
    const { facts } = await factsOf('ALTER TABLE tags ADD CONSTRAINT tags_label_key UNIQUE (label);');
    expect(ofKind(facts, 'duplicates')[0]?.data.duplicateKeys).toBe(0);
    const [coll] = ofKind(facts, 'collation');
    expect(coll?.data.columns).toEqual([expect.objectContaining({ column: 'label', collation: 'C', provider: 'libc', bytewise: true })]);
    expect(coll?.text).toBe('unique key collation in the live database: label text COLLATE "C" (libc "C"); bytewise: stable across libc and ICU upgrades');
  });

  it('flags a linguistic collation behind a unique key', async () => {
    const { rows } = await db.current.query<{ name: string }>("SELECT collname AS name FROM pg_collation WHERE collprovider = 'i' AND collname = 'und-x-icu' UNION ALL SELECT collname FROM pg_collation WHERE collname = 'en_US' LIMIT 1");
    const name = rows[0]!.name;
    await db.current.query(`CREATE TABLE words (id int, w text COLLATE "${name}")`);
    await seedRows(db.current, 'words', 10, { id: 'i', w: "'w' || i" });
    const { facts } = await factsOf('CREATE UNIQUE INDEX CONCURRENTLY words_w_key ON words (w);');
    const [coll] = ofKind(facts, 'collation');
    expect(coll?.data.linguistic).toEqual(['w']);
    expect(coll?.text).toContain('w compares linguistically: uniqueness follows the collation library (glibc/ICU), whose order can change with an upgrade');
  });

  it('reports an idle-in-transaction session holding a lock on a touched table', async () => {
    const blocker = await holdLock(db.current.url, ['SELECT count(*) FROM payments']);
    try {
      const { facts } = await factsOf('ALTER TABLE payments ADD COLUMN note text;');
      const [sessions] = ofKind(facts, 'sessions');
      expect(sessions?.text).toMatch(new RegExp(`^right now: pid ${blocker.pid} \\(idle in transaction, transaction open \\d+ s\\) holds ACCESS SHARE on payments: SELECT count\\(\\*\\) FROM payments$`));
    } finally {
      await blocker.release('rollback');
    }
    const { facts } = await factsOf('ALTER TABLE payments ADD COLUMN note text;');
    expect(ofKind(facts, 'sessions')).toEqual([]);
  });

  it('counts rows with no parent for a foreign key about to be added, with examples', async () => {
    await db.current.query('CREATE TABLE refunds (id int PRIMARY KEY, user_id bigint)');
    // user ids 4,996..5,005: the last five have no user.
    await seedRows(db.current, 'refunds', 10, { id: 'i', user_id: '4995 + i' });
    const { facts, findings } = await factsOf('ALTER TABLE refunds ADD CONSTRAINT refunds_user_fk FOREIGN KEY (user_id) REFERENCES users;');
    const [orphans] = ofKind(facts, 'foreign-key-violations');
    expect(orphans?.data).toMatchObject({ table: 'refunds', referenced: 'users', referencedColumns: ['id'], violating: 5, method: 'exact count' });
    expect(orphans?.text).toContain('5 rows of refunds (user_id) with no matching users row (exact count); e.g. {"id":');
    expect(findings.find((f) => f.rule === 'live-data-violation')?.message).toBe(
      'This statement fails on the live data: 5 rows of refunds (user_id) with no matching users row (exact count).',
    );
    const valid = await factsOf('ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);');
    expect(ofKind(valid.facts, 'foreign-key-violations')[0]?.data.violating).toBe(0);
    expect(valid.findings.map((f) => f.rule)).not.toContain('live-data-violation');
  });

  it('ADD COLUMN NOT NULL without a default: fails on a table with rows, downgraded on an empty one', async () => {
    const full = await factsOf('ALTER TABLE payments ADD COLUMN currency text NOT NULL;');
    expect(ofKind(full.facts, 'required-column')[0]?.text).toBe('payments has 3,000 rows: adding NOT NULL column currency without a DEFAULT fails on the first one');
    expect(full.findings.find((f) => f.rule === 'adding-required-field')?.severity).toBe('error');
    expect(full.findings.some((f) => f.rule === 'live-data-violation')).toBe(true);
    await db.current.query('CREATE TABLE empty_one (id int)');
    const empty = await factsOf('ALTER TABLE empty_one ADD COLUMN currency text NOT NULL;');
    expect(empty.findings.find((f) => f.rule === 'adding-required-field')?.severity).toBe('warning');
    expect(empty.downgraded.map((d) => d.reason)).toEqual([
      'empty_one is empty in the live database: adding NOT NULL column currency without a DEFAULT succeeds today, and fails once a row exists',
    ]);
    expect(empty.findings.some((f) => f.rule === 'live-data-violation')).toBe(false);
  });

  it('a fact that cannot be read is reported as unavailable; the others are still read', async () => {
    const { facts } = await factsOf('CREATE FUNCTION is_even(x int) RETURNS boolean LANGUAGE sql AS $$ SELECT x % 2 = 0 $$;\nALTER TABLE orders ADD CONSTRAINT orders_even CHECK (is_even(amount));');
    expect(ofKind(facts, 'table')[0]?.data.rows).toBe(20000);
    expect(ofKind(facts, 'unavailable')[0]?.text).toBe('could not read the live data for this statement: function is_even(integer) does not exist');
  });

  it('live-data-violation follows the config severity and a pgsafe-ignore comment, like the rules', async () => {
    const sql = 'ALTER TABLE users ALTER COLUMN name SET NOT NULL;';
    const migration = parseMigration(sql, 'm.sql');
    const live = await gatherFacts(ro, migration);
    const rulesOf = (fs: { rule: string; severity: string }[]) => fs.filter((f) => f.rule === 'live-data-violation').map((f) => f.severity);
    expect(rulesOf(applyLiveFacts(migration, [], live).findings)).toEqual(['error']);
    expect(rulesOf(applyLiveFacts(migration, [], live, { severities: { 'live-data-violation': 'warning' } }).findings)).toEqual(['warning']);
    expect(rulesOf(applyLiveFacts(migration, [], live, { severities: { 'live-data-violation': 'off' } }).findings)).toEqual([]);
    const ignored = parseMigration(`-- pgsafe-ignore live-data-violation: the backfill runs first in the deploy\n${sql}`, 'm.sql');
    const ignoredLive = await gatherFacts(ro, ignored);
    // analyze() reports no unused-ignore for it (the finding exists only with a live database) ...
    const findings = analyze(ignored, { pgVersion: 15 });
    expect(findings.map((f) => f.rule)).not.toContain('unused-ignore');
    // ... and the live finding is not added.
    expect(rulesOf(applyLiveFacts(ignored, findings, ignoredLive).findings)).toEqual([]);
  });

  it('a never-analyzed table too big to count in time has an unknown row count, not zero', async () => {
    await db.current.query('CREATE TABLE unanalyzed (id int, v int) WITH (autovacuum_enabled = false)');
    await seedRows(db.current, 'unanalyzed', 1_000_000, { id: 'i', v: 'CASE WHEN i % 2 = 0 THEN NULL ELSE i END' });
    // 1 ms cannot count a million rows.
    const { facts } = await factsOf('ALTER TABLE unanalyzed ALTER COLUMN v SET NOT NULL;', { countTimeoutMs: 1 });
    const [table] = ofKind(facts, 'table');
    expect(table?.data.rows).toBe(-1);
    expect(table?.text).toMatch(/^unanalyzed: rows not counted \(never analyzed, and a count took too long\), \d+ MB with indexes and TOAST$/);
    expect(ofKind(facts, 'null-count')[0]?.data).toMatchObject({ nulls: null, method: 'not counted: timed out after 1 ms' });
  });

  it('skips tables the migration creates itself', async () => {
    const { live } = await factsOf('CREATE TABLE fresh (id int);\nALTER TABLE fresh ADD COLUMN x int NOT NULL;');
    expect(live.statements).toEqual([]);
  });
});

describe('the read-only session', () => {
  it('refuses writes: INSERT fails with read_only_sql_transaction', async () => {
    await expect(ro.query('INSERT INTO payments VALUES (999999, 1)')).rejects.toMatchObject({ code: '25006' });
    await expect(ro.query('CREATE TABLE should_not_exist (id int)')).rejects.toMatchObject({ code: '25006' });
    const { rows } = await db.current.query('SELECT count(*)::int AS n FROM payments WHERE id = 999999');
    expect(rows[0]?.n).toBe(0);
    expect((await db.current.query("SELECT to_regclass('should_not_exist') AS t")).rows[0]?.t).toBeNull();
  });

  it('refuses several statements in one query, so nothing can leave the read-only transaction', async () => {
    await expect(ro.query('COMMIT; SET default_transaction_read_only = off; INSERT INTO payments VALUES (999998, 1)')).rejects.toThrow(/multiple commands/);
    await expect(ro.query('INSERT INTO payments VALUES (999998, 1)')).rejects.toMatchObject({ code: '25006' });
    expect((await db.current.query('SELECT count(*)::int AS n FROM payments WHERE id = 999998')).rows[0]?.n).toBe(0);
  });

  it('a count that exceeds the time limit is reported as not counted, never as a number or a failure', async () => {
    // 10 ms per row: 20,000 rows cannot be counted (or sampled) within 300 ms.
    await db.current.query("CREATE FUNCTION slow_positive(x int) RETURNS boolean LANGUAGE sql AS 'SELECT x > 0 FROM pg_sleep(0.01)'");
    const { facts, findings } = await factsOf('ALTER TABLE orders ADD CONSTRAINT orders_slow CHECK (slow_positive(amount));', { countTimeoutMs: 300 });
    const [check] = ofKind(facts, 'check-violations');
    expect(check?.data).toMatchObject({ violating: null, method: 'not counted: timed out after 300 ms', examples: [] });
    expect(check?.estimate).toBe(true);
    expect(check?.text).toBe('rows of orders violate CHECK orders_slow (slow_positive(amount)): not counted: timed out after 300 ms');
    expect(findings.map((f) => f.rule)).not.toContain('live-data-violation');
  });

  it('cancels a query longer than its statement_timeout', async () => {
    await expect(ro.query('SELECT pg_sleep(2)', [], 100)).rejects.toMatchObject({ code: '57014' });
    // The session is still usable afterwards.
    expect((await ro.query<{ n: number }>('SELECT 1 AS n')).rows[0]?.n).toBe(1);
  });
});
