/** The report model from real traces and real runs on PostgreSQL (a concurrent session holding a lock makes the run
 *  retry), and the page rendered from it: what the timeline says, and that nothing from SQL or the database
 *  becomes markup. The browser test (test/e2e/report-browser.test.ts) loads such pages in Chromium. */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { holdLock, seedRows, useTestDatabase, waitUntilWaitingOnLock } from '@pgsafe/testing';
import { analyze } from '../analyze.js';
import { execute } from '../execute/execute.js';
import type { ExecuteEvent } from '../execute/types.js';
import { loadParser, parseMigration } from '../parse.js';
import { plan } from '../plan/plan.js';
import { traceMigration } from '../trace/trace.js';
import { fileReport, reportModel } from './build.js';
import { renderHtmlReport } from './html/render.js';
import { ticks } from './html/timeline.js';

const db = useTestDatabase('report');
const HOSTILE = '</script><img src=x onerror=alert(1)>';

beforeAll(loadParser);

beforeEach(async () => {
  const q = (sql: string) => db.current.query(sql);
  await q(`DROP TABLE IF EXISTS accounts, "${HOSTILE}" CASCADE`);
  await q('CREATE TABLE accounts (id int PRIMARY KEY, email text NOT NULL)');
  await seedRows(db.current, 'accounts', 20_000, { id: 'i', email: "'u' || i || '@example.com'" });
  await q(`CREATE TABLE "${HOSTILE}" (id int PRIMARY KEY)`);
});

async function traced(sql: string) {
  const migration = parseMigration(sql, 'm.sql');
  const client = new pg.Client({ connectionString: db.current.url });
  await client.connect();
  try {
    return { migration, result: await traceMigration(client, migration) };
  } finally {
    await client.end();
  }
}

describe('trace timeline', () => {
  it('groups statements into the plan steps and draws each lock from its statement to the end of its step', async () => {
    const { migration, result } = await traced(
      'ALTER TABLE accounts ADD COLUMN a int;\nUPDATE accounts SET a = 1 WHERE id = 1;\nCREATE INDEX CONCURRENTLY accounts_a_idx ON accounts (a);\n' +
        'ALTER TABLE accounts ADD CONSTRAINT a_positive CHECK (a > 0) NOT VALID;\nALTER TABLE accounts VALIDATE CONSTRAINT a_positive;\nCREATE INDEX accounts_email_idx ON accounts (email);\n',
    );
    const planned = plan(migration, { pgVersion: 15 });
    const report = fileReport({ migration, findings: [], plan: planned, trace: { result, where: 'test' } });
    const t = report.timeline!;
    expect(t.source).toBe('trace');
    expect(t.steps.map((s) => [s.id, s.transactional, s.status])).toEqual(planned.steps.map((s) => [s.id, s.transactional, 'traced']));
    const [first, second] = t.steps;
    // ALTER and UPDATE share a transaction: the ACCESS EXCLUSIVE lock is held from the ALTER to the end of the step.
    const accounts = first!.locks.find((l) => l.relation === 'accounts')!;
    expect(accounts.bars.map((b) => [b.mode, b.start, b.end])).toEqual([['ACCESS EXCLUSIVE', first!.start, first!.end]]);
    expect(accounts.bars[0]!.blocks).toBe('reads and writes');
    expect(first!.spans).toHaveLength(2);
    // The concurrent build was traced without CONCURRENTLY: the timeline has the real statement's documented lock.
    expect(second!.kind).toBe('CREATE INDEX CONCURRENTLY, autocommit');
    expect(second!.locks.find((l) => l.relation === 'accounts')).toMatchObject({ observed: false, bars: [{ mode: 'SHARE UPDATE EXCLUSIVE', blocks: 'nothing' }] });
    // VALIDATE runs in a step of its own: the trace's transaction still held ACCESS EXCLUSIVE, the step takes only
    // what the statement needs.
    const validate = t.steps.find((s) => s.kind.startsWith('VALIDATE'))!;
    expect(validate.locks.find((l) => l.relation === 'accounts')!.bars.map((b) => b.mode)).toEqual(['SHARE UPDATE EXCLUSIVE']);
    // The last CREATE INDEX needs SHARE, which the trace's transaction already held (with ACCESS EXCLUSIVE): in a
    // step of its own it takes SHARE, which blocks writes only.
    const build = t.steps.at(-1)!.locks.find((l) => l.relation === 'accounts')!;
    expect(build.bars.map((b) => [b.mode, b.blocks])).toEqual([['SHARE', 'writes']]);
    expect(t.steps.every((s, i) => i === 0 || s.start >= t.steps[i - 1]!.end)).toBe(true);
  });

  it('reports a statement that fails and the steps after it as not run', async () => {
    const { migration, result } = await traced('ALTER TABLE accounts ADD COLUMN b int;\nCREATE INDEX CONCURRENTLY x ON missing (a);\nALTER TABLE accounts ADD COLUMN c int;\n');
    const report = fileReport({ migration, findings: [], plan: plan(migration), trace: { result, where: 'test' } });
    expect(report.timeline!.steps.map((s) => s.status)).toEqual(['traced', 'error', 'not-run']);
    expect(report.timeline!.steps[1]!.error).toMatch(/relation "missing" does not exist \(SQLSTATE 42P01\)/);
  });
});

describe('run timeline', () => {
  it('draws what a real run did: attempts rolled back behind a blocking session, back-off, the commit', async () => {
    const migration = parseMigration('ALTER TABLE accounts ADD COLUMN verified boolean;\n', 'run.sql');
    const planned = plan(migration, { pgVersion: 15, lockTimeout: 300 });
    const blocker = await holdLock(db.current.url, ['SELECT count(*) FROM accounts'], 'nightly-report');
    const events: ExecuteEvent[] = [];
    const running = execute(planned, { connectionString: db.current.url, policy: { preflight: { mode: 'off' } }, onEvent: (e) => events.push(e) });
    await waitUntilWaitingOnLock(db.current.url, (s) => /verified/.test(s.query), 10_000);
    await new Promise((r) => setTimeout(r, 900));
    await blocker.release();
    const result = await running;
    expect(result.status).toBe('completed');

    const report = fileReport({ migration, findings: [], plan: planned, run: { events, result, where: 'test' } });
    const step = report.timeline!.steps[0]!;
    const attempts = step.spans.filter((s) => s.kind === 'attempt');
    const retries = events.filter((e) => e.type === 'retry').length;
    expect(retries).toBeGreaterThanOrEqual(2);
    expect(attempts).toHaveLength(result.steps[0]!.attempts.length);
    expect(attempts.map((a) => a.outcome)).toEqual([...Array(retries).fill('failed'), 'ok']);
    expect(step.spans.filter((s) => s.kind === 'backoff')).toHaveLength(retries);
    // A bar per attempt: queued (it waited, then timed out) until the last one, which held the lock.
    const bars = step.locks.find((l) => l.relation === 'accounts')!.bars;
    expect(bars.map((b) => b.state)).toEqual([...Array(retries).fill('queued'), 'held']);
    for (const [i, a] of result.steps[0]!.attempts.entries()) expect(Math.abs(bars[i]!.start - a.startedMs)).toBeLessThanOrEqual(5);
    expect(step.blockers).toHaveLength(1);
    expect(step.blockers[0]!.session).toMatchObject({ pid: blocker.pid, applicationName: 'nightly-report' });
    // Seen from the first attempt's start until the last timed-out attempt.
    expect(step.blockers[0]!.firstSeen).toBeLessThanOrEqual(attempts[0]!.start + 5);
    expect(step.blockers[0]!.lastSeen).toBeGreaterThanOrEqual(attempts[retries - 1]!.end);
    expect(report.outcome).toMatchObject({ status: 'completed', applied: [1], notApplied: [] });
    expect(report.log!.at(-1)!.text).toMatch(/^completed in/);
  });

  it('says which steps stay applied when a run fails, and draws the steps it never started', async () => {
    const migration = parseMigration('ALTER TABLE accounts ADD COLUMN score int;\nCREATE UNIQUE INDEX CONCURRENTLY accounts_parity ON accounts ((id % 2));\nALTER TABLE accounts ADD COLUMN never int;\n', 'fail.sql');
    const planned = plan(migration, { pgVersion: 15 });
    const events: ExecuteEvent[] = [];
    const result = await execute(planned, { connectionString: db.current.url, onEvent: (e) => events.push(e) });
    expect(result.status).toBe('failed');
    const report = fileReport({ migration, findings: [], plan: planned, run: { events, result, where: 'test' } });
    const steps = report.timeline!.steps;
    expect(steps.map((s) => s.status)).toEqual(['committed', 'failed', 'not-run']);
    expect(steps[2]!.spans).toEqual([]);
    expect(steps[2]!.locks.every((l) => l.bars.length === 0)).toBe(true);
    expect(steps[1]!.notes).toContainEqual(expect.stringMatching(/dropped the INVALID index .*accounts_parity/));
    expect(report.outcome).toMatchObject({ status: 'failed', applied: [1], notApplied: [2, 3] });
    expect(report.outcome!.message).toMatch(/^FAILED at step 2: could not create unique index "accounts_parity".*step 1 committed and stays applied; steps 2, 3 not applied\.$/);
  });
});

describe('the page', () => {
  it('escapes identifiers, comments and session text, and loads nothing from the network', async () => {
    const sql = `-- <script>alert(2)</script>\nALTER TABLE "${HOSTILE}" ADD COLUMN "<b>x</b>" int NOT NULL /* </script><script>alert(3)</script> */;\n`;
    const { migration, result } = await traced(sql);
    const findings = analyze(migration, { pgVersion: 15 });
    expect(findings.length).toBeGreaterThan(0);
    const html = renderHtmlReport(reportModel('trace', [fileReport({ migration, findings, plan: plan(migration), trace: { result, where: `"${HOSTILE}"` } })]));
    // The only <script> is the page's own, and no tag comes from the data.
    expect(html.match(/<script>/g)).toHaveLength(1);
    expect(html.match(/<\/script>/g)).toHaveLength(1);
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>x</b>');
    expect(html).toContain('&lt;/script&gt;&lt;script&gt;alert(3)&lt;/script&gt;');
    expect(html).toContain('&quot;&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&quot;');
    expect(html).not.toMatch(/(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/@import|url\(/);
  });

  it('puts axis ticks at 1, 2 or 5 times a power of ten', () => {
    expect(ticks(2380)).toEqual([0, 500, 1000, 1500, 2000]);
    expect(ticks(9.7)).toEqual([0, 2, 4, 6, 8]);
    expect(ticks(0)).toEqual([0]);
  });
});
