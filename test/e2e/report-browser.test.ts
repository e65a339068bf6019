/**
 * The HTML report in a real browser (headless Chromium): reports of a trace and of a real run that retried behind a
 * concurrent session holding a lock. The timeline has the steps and lock bars the run's own JSON events say, the
 * page logs no error and makes no request, the keyboard reaches and walks the timeline, hostile identifiers and
 * session names stay text, and light, dark and print renderings are saved as screenshots.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holdLock, seedRows, useTestDatabase, waitUntilWaitingOnLock } from '../harness/index.js';
import { assertCliBuilt, PGSAFE_BIN, pgsafe, writeIn } from '../harness/pgsafe-cli.js';
import { launchChromium, type Browser } from './chromium.js';

const db = useTestDatabase('report_browser');
const HOSTILE_TABLE = '</script><img src=x onerror=alert(1)>';
const HOSTILE_APP = 'nightly<img src=x onerror=alert(2)>';
let dir: string;
let shots: string;
let browser: Browser;

beforeAll(async () => {
  assertCliBuilt();
  dir = mkdtempSync(join(tmpdir(), 'pgsafe-report-'));
  // PGSAFE_REPORT_SCREENSHOTS=docs/images keeps them (the README's picture comes from here).
  shots = process.env.PGSAFE_REPORT_SCREENSHOTS ?? join(dir, 'screenshots');
  mkdirSync(shots, { recursive: true });
  browser = await launchChromium();
  await db.current.query(`CREATE TABLE accounts (id int PRIMARY KEY, email text NOT NULL)`);
  await seedRows(db.current, 'accounts', 200_000, { id: 'i', email: "'user' || i || '@example.com'" });
  await db.current.query('CREATE TABLE orders (id int PRIMARY KEY, account_id int NOT NULL)');
  await seedRows(db.current, 'orders', 20_000, { id: 'i', account_id: '1 + i % 1000' });
  await db.current.query(`CREATE TABLE "${HOSTILE_TABLE.replace(/"/g, '""')}" (id int PRIMARY KEY)`);
  await db.current.query('ANALYZE');
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

interface Loaded {
  page: Page;
  problems: string[];
}

/** Opens a report, recording console errors, page errors, dialogs (an injected alert) and any request but the file. */
async function open(file: string): Promise<Loaded> {
  const page = await browser.context.newPage();
  const problems: string[] = [];
  const url = pathToFileURL(file).href;
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  page.on('request', (r) => {
    if (r.url().split('#')[0] !== url) problems.push(`request: ${r.url()}`);
  });
  await page.goto(url);
  return { page, problems };
}

const activeLabel = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.id ?? '');

describe('the HTML report in Chromium', () => {
  it('draws a trace: one group per step, the lock bars, hostile identifiers as text', async () => {
    const file = writeIn(
      dir,
      'trace.sql',
      `-- <img src=x onerror=alert(3)> in a comment
ALTER TABLE accounts ADD COLUMN status text NOT NULL DEFAULT 'active';
CREATE INDEX CONCURRENTLY accounts_status_idx ON accounts (status);
ALTER TABLE "${HOSTILE_TABLE}" ADD COLUMN "<b>note</b>" text NOT NULL /* </script><script>alert(4)</script> */;
`,
    );
    const html = join(dir, 'trace.html');
    const r = await pgsafe(['trace', file, '--database-url', db.current.url, '--html', html]);
    expect(r.stderr).toContain(`HTML report written to ${html}`);
    expect(r.code).toBe(0);
    const text = readFileSync(html, 'utf8');
    expect(text).not.toMatch(/(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(text).not.toContain('<img');
    expect(text).not.toMatch(/<script>alert/);

    const { page, problems } = await open(html);
    // The plan: ALTER (transaction), CREATE INDEX CONCURRENTLY (autocommit), ALTER (transaction).
    await expect(page.locator('[data-timeline] [data-step]').count()).resolves.toBe(3);
    await expect(page.locator('[data-step="2"] .tag').textContent()).resolves.toBe('autocommit');
    // Step 1 locks accounts; step 3 the hostile table. Each lane has one bar.
    await expect(page.locator('[data-step="1"] [data-lock-bar]').count()).resolves.toBeGreaterThanOrEqual(1);
    await expect(page.locator('[data-step="1"] [data-lock-bar][data-mode="ACCESS EXCLUSIVE"]').count()).resolves.toBe(1);
    await expect(page.locator('[data-step="2"] [data-lock-bar]').first().getAttribute('data-mode')).resolves.toBe('SHARE UPDATE EXCLUSIVE');
    const bars = await page.locator('[data-lock-bar]').count();
    await expect(page.locator('[data-timeline]').getAttribute('data-lock-bars')).resolves.toBe(String(bars));
    // What the database and the SQL said is shown as text, never run or rendered.
    await expect(page.locator('img').count()).resolves.toBe(0);
    await expect(page.locator('[data-step="3"] .rel').first().textContent()).resolves.toBe(`"${HOSTILE_TABLE}"`);
    await expect(page.locator('body').textContent()).resolves.toContain('</script><script>alert(4)</script>');
    await page.screenshot({ path: join(shots, 'report-trace.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  }, 90_000);

  it('draws a real run that retried behind a blocking session, and walks it with the keyboard', async () => {
    writeIn(
      dir,
      'migrations/042_accounts_verified.sql',
      `ALTER TABLE accounts ADD COLUMN verified boolean;
CREATE INDEX CONCURRENTLY accounts_email_idx ON accounts (email);
ALTER TABLE orders ADD COLUMN verified_at timestamptz;
`,
    );
    const html = join(dir, 'run.html');
    const blocker = await holdLock(db.current.url, ['SELECT count(*) FROM accounts /* </script><script>alert(5)</script> */'], 'nightly-report');
    const running = pgsafe(['run', 'migrations/042_accounts_verified.sql', '--database-url', db.current.url, '--lock-timeout', '300ms', '--preflight', 'off', '--format', 'json', '--html', html], { cwd: dir });
    await waitUntilWaitingOnLock(db.current.url, (s) => /ADD COLUMN (IF NOT EXISTS )?verified/.test(s.query), 30_000);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await blocker.release();
    const r = await running;
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; step?: number; plan?: { steps: { id: number; targets: unknown[] }[] } });
    const plan = lines.find((l) => l.type === 'plan')!.plan!;
    expect(lines.filter((l) => l.type === 'retry').length).toBeGreaterThanOrEqual(2);
    // A lock bar per attempt and per table the step locks: what the events say, drawn.
    const attempts = (id: number) => lines.filter((l) => l.type === 'attempt' && l.step === id).length;
    const expectedBars = plan.steps.reduce((n, s) => n + attempts(s.id) * s.targets.length, 0);

    const { page, problems } = await open(html);
    await expect(page.locator('.verdict').textContent()).resolves.toContain('completed: 3/3 steps committed');
    await expect(page.locator('[data-timeline] [data-step]').count()).resolves.toBe(plan.steps.length);
    await expect(page.locator('[data-lock-bar]').count()).resolves.toBe(expectedBars);
    await expect(page.locator('[data-step="1"] [data-lock-bar].st-queued').count()).resolves.toBe(attempts(1) - 1);
    await expect(page.locator('[data-step="1"] [data-span="backoff"]').count()).resolves.toBe(attempts(1) - 1);
    const blockerLane = page.locator('[data-step="1"] [data-blocker]');
    await expect(blockerLane.count()).resolves.toBe(1);
    await expect(blockerLane.getAttribute('aria-label')).resolves.toContain(`pid ${blocker.pid} (nightly-report)`);
    await expect(page.locator('#f1-step-1 .blockers').textContent()).resolves.toContain('</script><script>alert(5)</script>');
    await expect(page.locator('img').count()).resolves.toBe(0);
    await expect(page.locator('#f1-tables').textContent()).resolves.toMatch(/accounts\s*≈ \d{3},\d{3}/);

    // Keyboard: Tab reaches the timeline, arrows walk it, Enter opens the step.
    await page.locator('body').focus();
    let reached = false;
    for (let i = 0; i < 40 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => !!document.activeElement?.closest('[data-timeline]') && document.activeElement.hasAttribute('data-nav'));
    }
    expect(reached).toBe(true);
    const first = await activeLabel(page);
    await page.keyboard.press('ArrowRight');
    const second = await activeLabel(page);
    expect(second).not.toBe(first);
    await page.keyboard.press('ArrowDown');
    expect(await activeLabel(page)).not.toBe(second);
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => /#f1-step-3$/.test(location.href));
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('f1-step-3');

    await page.goto(`${pathToFileURL(html).href}#f1-timeline`);
    await page.screenshot({ path: join(shots, 'report-run.png'), fullPage: true });
    // The README's picture: the verdict, the tiles and the timeline.
    const bottom = await page.evaluate(() => document.getElementById('f1-timeline')!.getBoundingClientRect().bottom + window.scrollY);
    await page.screenshot({ path: join(shots, 'report-run-timeline.png'), clip: { x: 0, y: 0, width: 1280, height: Math.ceil(bottom + 20) }, fullPage: true });
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect(page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)).resolves.toBe('rgb(13, 17, 23)');
    await page.screenshot({ path: join(shots, 'report-run-dark.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'dark', media: 'print' });
    // Paper is white whatever the screen's scheme, and tooltips do not print.
    await expect(page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)).resolves.toBe('rgb(255, 255, 255)');
    const pdf = join(shots, 'report-run.pdf');
    await page.pdf({ path: pdf, format: 'A4', printBackground: true });
    expect(statSync(pdf).size).toBeGreaterThan(20_000);
    expect(problems).toEqual([]);
    await page.close();
  }, 90_000);

  it('run --html says what was applied when the run is interrupted (Ctrl-C while a step waits for its lock)', async () => {
    const file = writeIn(
      dir,
      'interrupted.sql',
      `BEGIN;
CREATE TABLE run_marks (id int);
COMMIT;
BEGIN;
ALTER TABLE accounts ADD COLUMN interrupted_flag boolean;
COMMIT;
`,
    );
    const html = join(dir, 'interrupted.html');
    const blocker = await holdLock(db.current.url, ['SELECT count(*) FROM accounts'], HOSTILE_APP);
    let stderr = '';
    const child = spawn(process.execPath, [PGSAFE_BIN, 'run', file, '--database-url', db.current.url, '--lock-timeout', '200ms', '--preflight', 'off', '--html', html], { env: { ...process.env, NO_COLOR: '1' } });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      await waitUntilWaitingOnLock(db.current.url, (s) => /interrupted_flag/.test(s.query), 30_000);
      // Long enough for an attempt to time out and name its blocker.
      await new Promise((resolve) => setTimeout(resolve, 800));
      child.kill('SIGINT');
      expect(await exited).not.toBe(0);
    } finally {
      await blocker.release();
    }
    expect(stderr).toContain(`HTML report written to ${html}`);
    expect(existsSync(html)).toBe(true);
    const { rows } = await db.current.query(`SELECT to_regclass('run_marks') IS NOT NULL AS created, EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'accounts' AND column_name = 'interrupted_flag') AS altered`);
    expect(rows[0]).toEqual({ created: true, altered: false });

    const { page, problems } = await open(html);
    await expect(page.locator('.verdict').textContent()).resolves.toMatch(/INTERRUPTED at step 2: .*step 1 committed and stays applied; step 2 not applied\./);
    await expect(page.locator('[data-step="1"]').getAttribute('class')).resolves.toContain('st-committed');
    await expect(page.locator('[data-step="2"]').getAttribute('class')).resolves.toContain('st-interrupted');
    await expect(page.locator('[data-step="2"] [data-lock-bar]').count()).resolves.toBeGreaterThanOrEqual(1);
    // A session name from the database is text in the label, never markup.
    // The blocker this test holds (PostgreSQL 18's autovacuum may be seen waiting too).
    const held = page.locator(`[data-step="2"] [data-blocker][aria-label^="pid ${blocker.pid} "]`);
    await expect(held.count()).resolves.toBe(1);
    await expect(held.getAttribute('aria-label')).resolves.toContain(`pid ${blocker.pid} (${HOSTILE_APP})`);
    await expect(page.locator('img').count()).resolves.toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  }, 90_000);

  it('run --html writes the report of a migration it refuses, and of one that fails', async () => {
    const refused = writeIn(dir, 'refused.sql', 'CREATE INDEX accounts_email_plain_idx ON accounts (email);\n');
    const refusedHtml = join(dir, 'refused.html');
    const r1 = await pgsafe(['run', refused, '--database-url', db.current.url, '--html', refusedHtml]);
    expect(r1.code).toBe(1);
    const failing = writeIn(dir, 'failing.sql', 'ALTER TABLE accounts ADD COLUMN score int;\nALTER TABLE accounts ADD CONSTRAINT score_positive CHECK (id < 0) NOT VALID;\nALTER TABLE accounts VALIDATE CONSTRAINT score_positive;\n');
    const failingHtml = join(dir, 'failing.html');
    const r2 = await pgsafe(['run', failing, '--database-url', db.current.url, '--html', failingHtml]);
    expect(r2.code).toBe(1);

    const a = await open(refusedHtml);
    await expect(a.page.locator('.verdict').textContent()).resolves.toContain('refused: 1 error-level finding (require-concurrent-index-creation)');
    await expect(a.page.locator('[data-timeline]').count()).resolves.toBe(0);
    await expect(a.page.locator('.finding.sev-error').count()).resolves.toBe(1);
    const b = await open(failingHtml);
    await expect(b.page.locator('.verdict').textContent()).resolves.toMatch(/FAILED at step 2: .*violated by some row.*step 1 committed and stays applied; step 2 not applied/);
    await expect(b.page.locator('[data-step="2"]').getAttribute('class')).resolves.toContain('st-failed');
    expect([...a.problems, ...b.problems]).toEqual([]);
    await a.page.close();
    await b.page.close();
  }, 90_000);
});
