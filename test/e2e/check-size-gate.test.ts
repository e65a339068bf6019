/** `pgsafe check --database-url` judges size-dependent findings through the size gate `pgsafe run` and the ORM
 *  guards use (run.largeTableRows): the built CLI against real PostgreSQL with rows in the tables. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { seedRows, useTestDatabase } from '../harness/index.js';
import { assertCliBuilt, pgsafe, writeIn } from '../harness/pgsafe-cli.js';

const db = useTestDatabase('check_size_gate');
let dir: string;
let config: string;
const write = (name: string, sql: string) => writeIn(dir, name, sql);

interface JsonReport {
  findings: { rule: string; severity: string; live?: { text: string }[] }[];
  live: { dropped: { rule: string; line: number; reason: string }[]; downgraded: { rule: string; line: number; reason: string }[] };
}

beforeAll(async () => {
  assertCliBuilt();
  dir = mkdtempSync(join(tmpdir(), 'pgsafe-size-gate-'));
  // The threshold low enough that a 20,000-row table is large and a 5,000-row one is not.
  config = write('pgsafe.config.json', JSON.stringify({ run: { largeTableRows: 10000 } }));
  const q = (sql: string) => db.current.query(sql);
  await q('CREATE TABLE empty_t (id int PRIMARY KEY, v int)');
  await q('CREATE TABLE mid_t (id int PRIMARY KEY, v int, email text)');
  await seedRows(db.current, 'mid_t', 5000, { id: 'i', v: 'i % 7', email: "'u' || (i % 4990) || '@example.com'" });
  await q('CREATE TABLE big_t (id int PRIMARY KEY, v int)');
  await seedRows(db.current, 'big_t', 20000, { id: 'i', v: 'i % 7' });
  await q('ANALYZE');
});

// The timeouts are set by the runner (as pgsafe run does): only the size-dependent findings are in play.
const check = (file: string, ...more: string[]) => pgsafe(['check', file, '--database-url', db.current.url, '--config', config, '--no-color', '--runner-sets-timeouts', ...more]);
const GATE_BELOW = 'mid_t has 5,000 rows (exact count): below the large-table threshold of 10,000 rows (run.largeTableRows), so a warning';

describe('check --database-url: the size gate of pgsafe run', () => {
  it('lets an index build on an empty table through, and says why (exit 0)', async () => {
    const file = write('empty/001.sql', 'CREATE INDEX empty_t_v_idx ON empty_t (v);\n');
    const r = await check(file);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('error[require-concurrent-index-creation]');
    expect(r.stdout).toContain(`  dropped ${file}:1:1 [require-concurrent-index-creation]: let through: empty_t has 0 rows (exact count)`);
    const json = JSON.parse((await check(file, '--format', 'json')).stdout) as JsonReport;
    expect(json.findings.filter((f) => f.rule === 'require-concurrent-index-creation')).toEqual([]);
    expect(json.live.dropped).toContainEqual(expect.objectContaining({ rule: 'require-concurrent-index-creation', line: 1, reason: 'let through: empty_t has 0 rows (exact count)' }));
  });

  it('below run.largeTableRows: a warning that prints the measured size (exit 0)', async () => {
    const file = write('mid/001.sql', 'CREATE INDEX mid_t_v_idx ON mid_t (v);\nALTER TABLE mid_t ADD CONSTRAINT mid_t_v_check CHECK (v >= 0);\n');
    const r = await check(file);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${file}:1:1 warning[require-concurrent-index-creation]`);
    expect(r.stdout).toContain('| live: mid_t has 5,000 rows (exact count): below the large-table threshold of 10,000');
    expect(r.stdout).toContain(`${file}:2:23 warning[constraint-missing-not-valid]`);
    expect(r.stdout).not.toContain(' error[');
    const json = JSON.parse((await check(file, '--format', 'json')).stdout) as JsonReport;
    const index = json.findings.find((f) => f.rule === 'require-concurrent-index-creation')!;
    expect(index.severity).toBe('warning');
    expect(index.live?.map((l) => l.text)).toContain(GATE_BELOW);
    expect(json.live.downgraded).toContainEqual({ rule: 'require-concurrent-index-creation', file, line: 1, column: 1, reason: GATE_BELOW });
    expect(json.live.downgraded).toContainEqual(expect.objectContaining({ rule: 'constraint-missing-not-valid', line: 2, reason: GATE_BELOW }));
  });

  it('without the database: the error stands, and its why says what decides and how to settle it (issue 22)', async () => {
    // Most wrong size-dependent findings on real histories are tables of a handful of rows, which only the live
    // database shows: the static finding says so instead of claiming the outage.
    const file = write('static/001.sql', 'CREATE TABLE new_t (id int);\nCREATE INDEX new_t_idx ON new_t (id);\nCREATE INDEX mid_t_v2_idx ON mid_t (v);\n');
    const settle = 'How much it matters depends on the rows of mid_t, which pgsafe cannot see without the database: `pgsafe check --database-url` measures them';
    const offline = JSON.parse((await pgsafe(['check', file, '--config', config, '--runner-sets-timeouts', '--format', 'json'])).stdout) as { findings: { rule: string; severity: string; why: string }[] };
    expect(offline.findings.filter((f) => f.rule === 'require-concurrent-index-creation').map((f) => [f.severity, f.why.includes(settle)])).toEqual([['error', true]]);
    const live = JSON.parse((await check(file, '--format', 'json')).stdout) as { findings: { rule: string; why: string }[] };
    expect(live.findings.filter((f) => f.rule === 'require-concurrent-index-creation').map((f) => f.why.includes(settle))).toEqual([false]);
  });

  it('without the database: no size-dependent finding on a reference table the migrations fill with their own rows (issue 22)', async () => {
    // lemmy's languages, crowd.dev's activity types, documenso's subscription claims: a few rows to a few hundred,
    // which an index build or a SET NOT NULL scan goes through at once.
    const later = 'ALTER TABLE kinds ALTER COLUMN name SET NOT NULL;\nCREATE INDEX kinds_name_idx ON kinds (name);\n';
    const rules = async (folder: string, fill: string) => {
      write(`${folder}/prisma/migrations/20260101000000_kinds/migration.sql`, `CREATE TABLE kinds (id int PRIMARY KEY, name text);\n${fill}`);
      write(`${folder}/prisma/migrations/20260301000000_later/migration.sql`, later);
      const r = await pgsafe(['check', join(dir, folder, 'prisma/migrations'), '--config', config, '--runner-sets-timeouts', '--format', 'json']);
      return (JSON.parse(r.stdout) as { findings: { rule: string; file: string }[] }).findings.filter((f) => f.file.includes('_later')).map((f) => f.rule).sort();
    };
    expect(await rules('reference', "INSERT INTO kinds VALUES (1, 'bug'), (2, 'feature'), (3, 'question');\n")).toEqual([]);
    // Rows copied from another table are the application's, however many: the size decides, unknown offline.
    expect(await rules('copied', 'INSERT INTO kinds SELECT id, label FROM old_kinds;\n')).toEqual(['adding-not-nullable-field', 'require-concurrent-index-creation']);
    // One row is a seeded singleton, which says nothing about what the application adds.
    expect(await rules('single', "INSERT INTO kinds VALUES (1, 'bug');\n")).toEqual(['adding-not-nullable-field', 'require-concurrent-index-creation']);
  });

  it('without the database: no size-dependent finding on a table a migration of the same change created, hours before, and left empty (issue 22)', async () => {
    // trigger.dev: a table created in the morning, indexed, constrained and retyped by the migrations of the
    // afternoon, all shipped in one release.
    const later = 'CREATE INDEX runs_at_idx ON runs (at);\nALTER TABLE runs ALTER COLUMN at TYPE timestamptz;\n';
    const rules = async (folder: string, created: string, changed: string, fill = '') => {
      write(`${folder}/prisma/migrations/${created}_runs/migration.sql`, `CREATE TABLE runs (id int PRIMARY KEY, at timestamp);\n${fill}`);
      write(`${folder}/prisma/migrations/${changed}_later/migration.sql`, later);
      const r = await pgsafe(['check', join(dir, folder, 'prisma/migrations'), '--config', config, '--runner-sets-timeouts', '--format', 'json']);
      return (JSON.parse(r.stdout) as { findings: { rule: string; file: string }[] }).findings.filter((f) => f.file.includes('_later')).map((f) => f.rule).sort();
    };
    const both = ['changing-column-type', 'require-concurrent-index-creation'];
    expect(await rules('same-change', '20260106081054', '20260106122534')).toEqual([]);
    // Two days apart: the first may be deployed, and the table filled, before the second.
    expect(await rules('next-days', '20260106081054', '20260108122534')).toEqual(both);
    // Rows the migration put in are there whenever the second runs.
    expect(await rules('filled', '20260106081054', '20260106122534', "INSERT INTO runs VALUES (1, now());\n")).toEqual(both);
  });

  it('at or above run.largeTableRows: the error, with the size (exit 1)', async () => {
    const file = write('big/001.sql', 'CREATE INDEX big_t_v_idx ON big_t (v);\n');
    const r = await check(file);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${file}:1:1 error[require-concurrent-index-creation]`);
    expect(r.stdout).toMatch(/\| live: big_t has ~[\d,]+ rows \(estimate, pg_class\.reltuples\): at or above the large-table threshold/);
    const json = JSON.parse((await check(file, '--format', 'json')).stdout) as JsonReport;
    const index = json.findings.find((f) => f.rule === 'require-concurrent-index-creation')!;
    expect(index.severity).toBe('error');
    expect(index.live?.map((l) => l.text)).toContainEqual(expect.stringMatching(/^big_t has ~[\d,]+ rows \(estimate, pg_class\.reltuples\): at or above the large-table threshold of 10,000 rows \(run\.largeTableRows\)$/));
    // Without the config's threshold (default 100,000) the same table is below it.
    const byDefault = await pgsafe(['check', file, '--database-url', db.current.url, '--runner-sets-timeouts', '--format', 'json', '--config', write('default.json', '{}')]);
    expect(byDefault.code).toBe(0);
    expect(byDefault.stdout).toContain('below the large-table threshold of 100,000 rows (run.largeTableRows), so a warning');
  });

  it('correctness errors stay errors on a small table: NOT NULL without default, UNIQUE over duplicates (exit 1)', async () => {
    const file = write('correct/001.sql', 'ALTER TABLE mid_t ADD COLUMN status text NOT NULL;\nCREATE UNIQUE INDEX CONCURRENTLY mid_t_email_key ON mid_t (email);\n');
    const r = await check(file);
    expect(r.code).toBe(1);
    const json = JSON.parse((await check(file, '--format', 'json')).stdout) as JsonReport;
    expect(json.findings.filter((f) => f.severity === 'error').map((f) => f.rule).sort()).toEqual(['adding-required-field', 'live-data-violation', 'live-data-violation']);
  });

  it('a table an earlier checked migration creates, not in the live database, is new: let through', async () => {
    const first = write('prisma/migrations/20260101000000_new/migration.sql', 'CREATE TABLE new_t (id int PRIMARY KEY, v int);\n');
    const second = write('prisma/migrations/20260102000000_index/migration.sql', 'CREATE INDEX new_t_v_idx ON new_t (v);\nCREATE INDEX mid_t_id_v_idx ON mid_t (id, v);\n');
    const r = await check(join(dir, 'prisma/migrations'));
    expect(first).toBeTruthy();
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`  dropped ${second}:1:1 [require-concurrent-index-creation]: let through: new_t has 0 rows; created by 20260101000000_new, earlier in the checked migrations, and not in the live database yet`);
    // A table of the live database is measured, whoever created it.
    expect(r.stdout).toContain(`${second}:2:1 warning[require-concurrent-index-creation]`);
  });

  it('an earlier checked migration whose table is already live (applied): the live size counts', async () => {
    const folder = 'applied/prisma/migrations';
    write(`${folder}/20260101000000_big/migration.sql`, 'CREATE TABLE big_t (id int PRIMARY KEY, v int);\n');
    const second = write(`${folder}/20260102000000_index/migration.sql`, 'CREATE INDEX big_t_v_idx ON big_t (v);\n');
    const r = await check(join(dir, folder));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${second}:1:1 error[require-concurrent-index-creation]`);
    expect(r.stdout).toContain('| live: big_t has ~');
  });

  it('NOT NULL without a default on a table a migration of the week before created and put no rows in: a question offline, settled by the live rows (issue 22)', async () => {
    // Real histories (trigger.dev, documenso, rallly): a column added days after its table, in pre-release work,
    // where only the live database knows whether the release that created the table has put rows in it yet.
    const folder = (name: string, created: string, added: string, init = '') => {
      const base = `${name}/prisma/migrations`;
      write(`${base}/${created}_create/migration.sql`, `CREATE TABLE mid_t (id int PRIMARY KEY, v int, email text);\nCREATE TABLE empty_t (id int PRIMARY KEY, v int);\n${init}`);
      write(`${base}/${added}_required/migration.sql`, 'ALTER TABLE mid_t ADD COLUMN code text NOT NULL;\nALTER TABLE empty_t ADD COLUMN code text NOT NULL;\n');
      return join(dir, base);
    };
    const offline = async (path: string) =>
      (JSON.parse((await pgsafe(['check', path, '--config', config, '--runner-sets-timeouts', '--format', 'json'])).stdout) as { findings: { rule: string; severity: string; message: string; why: string }[] }).findings.filter((f) => f.rule === 'adding-required-field');
    const recent = folder('recent', '20260101090000', '20260104090000');
    const asked = await offline(recent);
    expect(asked.map((f) => f.severity)).toEqual(['warning', 'warning']);
    expect(asked[0]!.message).toBe('Adding NOT NULL column code to mid_t without a DEFAULT fails if the table has any row: does it have rows yet? 20260101090000_create created it 3 days earlier and no migration put rows in it.');
    expect(asked[0]!.why).toContain('`pgsafe check --database-url` counts them');
    // A table older than a week, or one the migrations put rows in, has rows as far as the history tells: the error.
    expect((await offline(folder('older', '20260101090000', '20260112090000'))).map((f) => f.severity)).toEqual(['error', 'error']);
    expect((await offline(folder('seeded', '20260101090000', '20260104090000', 'INSERT INTO mid_t VALUES (1, 1, NULL);\n'))).map((f) => f.severity)).toEqual(['error', 'warning']);
    // With the database: mid_t has 5,000 rows, so the statement fails (an error); empty_t has none, so it succeeds.
    const live = JSON.parse((await check(recent, '--format', 'json')).stdout) as { findings: { rule: string; severity: string; message: string }[] };
    expect(live.findings.filter((f) => f.rule === 'adding-required-field').map((f) => [f.severity, f.message.includes('does it have rows yet')])).toEqual([
      ['error', false],
      ['warning', false],
    ]);
  });
});

