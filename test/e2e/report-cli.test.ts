/** The HTML report from each command that writes one, end to end with the built CLI and real PostgreSQL: what goes
 *  into the page (files, findings, plans, table sizes, the rehearsal's timeline) and that the usual output stays as
 *  it was. The pages themselves are loaded in Chromium by report-browser.test.ts. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminUrl, seedRows, useTestDatabase } from '../harness/index.js';
import { assertCliBuilt, pgsafe, writeIn } from '../harness/pgsafe-cli.js';
import { startRehearseSource, type RehearseSource } from '../harness/rehearse-source.js';

const db = useTestDatabase('report_cli');
let dir: string;

beforeAll(async () => {
  assertCliBuilt();
  dir = mkdtempSync(join(tmpdir(), 'pgsafe-report-cli-'));
  await db.current.query('CREATE TABLE orders (id int PRIMARY KEY, amount int NOT NULL)');
  await seedRows(db.current, 'orders', 5000, { id: 'i', amount: 'i % 50' });
});

/** The text of the page without its tags, style and script: what a reader sees. */
function visibleText(html: string): string {
  return html
    .replace(/<style>[\s\S]*?<\/style>|<script>[\s\S]*?<\/script>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

describe('HTML reports from the CLI', () => {
  it('check --html: a section per migration with findings, its plan; clean ones listed; stdout unchanged', async () => {
    writeIn(dir, 'migrations/001_index.sql', 'CREATE INDEX orders_amount_idx ON orders (amount);\n');
    writeIn(dir, 'migrations/002_clean.sql', 'CREATE TABLE IF NOT EXISTS notes (id bigint PRIMARY KEY, body text);\n');
    const html = join(dir, 'check.html');
    const r = await pgsafe(['check', join(dir, 'migrations'), '--format', 'json', '--html', html]);
    expect(r.code).toBe(1);
    expect(() => JSON.parse(r.stdout)).not.toThrow();
    expect(r.stderr).toContain(`HTML report written to ${html}`);
    const page = readFileSync(html, 'utf8');
    const text = visibleText(page);
    expect(page.match(/<section class="file"/g)).toHaveLength(1);
    expect(text).toContain('2 migrations');
    expect(text).toContain('require-concurrent-index-creation');
    expect(text).toMatch(/1 migration without findings .*002_clean\.sql/);
    expect(text).toContain('Plan 1 step: 1 transaction, 0 autocommit');
  });

  it('report: findings with live facts, the tables read-only with their sizes, written to a file or stdout', async () => {
    const file = writeIn(dir, 'report/003_not_null.sql', 'ALTER TABLE orders ADD COLUMN region text NOT NULL;\n');
    const out = join(dir, 'report.html');
    const r = await pgsafe(['report', file, '--database-url', db.current.url, '--out', out]);
    expect(r.code).toBe(0);
    const text = visibleText(readFileSync(out, 'utf8'));
    expect(text).toContain('adding-required-field');
    expect(text).toMatch(/orders 5,000 \S+ kB 1 ACCESS EXCLUSIVE blocks reads and writes live database/);
    expect(text).toMatch(/live: PostgreSQL \d+/);
    const stdout = await pgsafe(['report', file, '--out', '-']);
    expect(stdout.code).toBe(0);
    expect(stdout.stdout).toMatch(/^<!doctype html>/);
    expect(stdout.stderr).toBe('');
  });

  it('report on a file that does not parse: the error with its place, exit 2, no page', async () => {
    const file = writeIn(dir, 'report/004_bad.sql', 'ALTER TABLE orders ADD COLUMN;\n');
    const r = await pgsafe(['report', file, '--out', join(dir, 'bad.html'), '--no-color']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:1:`);
  });

  describe('rehearse --html', () => {
    let source: RehearseSource;
    beforeAll(async () => {
      source = await startRehearseSource('report_cli_rehearse');
      await source.db.query('CREATE TABLE orders (id int PRIMARY KEY, amount int NOT NULL)');
      await seedRows(source.db, 'orders', 3000, { id: 'i', amount: 'i % 50' });
    });
    afterAll(() => source?.stop());

    it("draws the scratch run with the trace's observed locks and the source tables' sizes", async () => {
      const file = writeIn(dir, 'rehearse/005.sql', 'ALTER TABLE orders ADD COLUMN note text;\nCREATE INDEX CONCURRENTLY orders_amount_idx ON orders (amount);\n');
      const html = join(dir, 'rehearse.html');
      const r = await pgsafe(['rehearse', file, '--from', source.db.url, '--scratch-url', adminUrl(), '--sample-rows', '100', '--html', html]);
      if (!source.pgDump) {
        expect(r.code).toBe(2);
        expect(r.stderr).toContain('pg_dump found: none');
        return;
      }
      expect(r.code).toBe(0);
      const page = readFileSync(html, 'utf8');
      const text = visibleText(page);
      expect(text).toContain('completed: 2/2 steps committed');
      expect(text).toMatch(/public\.orders 3,000 \S+ kB .*rehearsal source, 100 rows copied/);
      expect(page).toContain('data-steps="2"');
      // Step 1's lock comes from the trace (pg_locks), not from the documentation: no `doc` mark on its lane.
      const step1 = page.slice(page.indexOf('data-step="1"'), page.indexOf('data-step="2"'));
      expect(step1).toContain('data-mode="ACCESS EXCLUSIVE"');
      expect(step1).not.toContain('>doc</abbr>');
    });
  });
});
