/** Every command the documentation shows is run here, and its output compared with what the doc shows (see
 *  doc-examples.ts for the conventions). Commands run with the built CLI as `pgsafe` (and `pnpm exec pgsafe`), in
 *  the repository root unless the block's doc-test comment says otherwise, against real PostgreSQL databases
 *  seeded from docs/examples. */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminUrl, assertCliBuilt, createTestDatabase, PGSAFE_BIN, withDatabase, type TestDatabase } from '@pgsafe/testing';
import { startRehearseSource, type RehearseSource } from '../harness/rehearse-source.js';
import { docExamples, matches, type DocExample } from './doc-examples.js';
import { markdownFiles, REPO } from './markdown.js';

let bin: string;

/** `user@host:port/db`, as pgsafe names a database it connects to (never the password). */
function target(url: string): string {
  const u = new URL(url);
  return `${decodeURIComponent(u.username)}@${u.host}/${u.pathname.slice(1)}`;
}

/** A database an example runs against: the URL the doc shows stands for `url`, and pgsafe's name for it in the
 *  output for the doc's. */
interface Fixture {
  urls: [shown: string, real: string][];
  /** Environment of the commands (e.g. DATABASE_URL, for a command the doc shows without --database-url). */
  env?: Record<string, string>;
  cleanup(): Promise<void>;
}

/** Runs `files` on `db`, then vacuums: an autovacuum started by the fresh rows would otherwise hold locks the
 *  examples' output shows waits for. */
async function seed(db: Pick<TestDatabase, 'query'>, ...files: string[]): Promise<void> {
  for (const file of files) await db.query(readFileSync(join(REPO, file), 'utf8'));
  await db.query('VACUUM ANALYZE');
}

async function shopDatabase(): Promise<TestDatabase> {
  const db = await createTestDatabase('docs_shop');
  await seed(db, 'docs/examples/shop/db/001_shop.sql', 'docs/examples/shop/seed.sql');
  return db;
}

const SHOP_URL = 'postgres://postgres:s3cret@127.0.0.1:5432/shop';

const fixtures: Record<string, () => Promise<Fixture>> = {
  async shop() {
    const db = await shopDatabase();
    return { urls: [[SHOP_URL, db.url]], cleanup: () => db.drop() };
  },
  /** The shop, with another session 2 s into a transaction that read users. */
  async 'shop-busy'() {
    const db = await shopDatabase();
    const session = await db.connect({ applicationName: 'docs-report' });
    await session.query('BEGIN');
    await session.query('SELECT count(*) FROM users');
    // Long enough to outlast a slow check on a loaded machine; the database's drop ends it.
    const report = session.query('SELECT pg_sleep(60)').catch(() => {});
    await new Promise((done) => setTimeout(done, 2500));
    return {
      urls: [[SHOP_URL, db.url]],
      async cleanup() {
        await db.drop();
        await report;
      },
    };
  },
  async nope() {
    return { urls: [['postgres://postgres:s3cret@127.0.0.1:5432/nope', withDatabase(adminUrl(), 'nope')]], cleanup: async () => {} };
  },
  async demo() {
    const db = await createTestDatabase('docs_demo');
    await seed(db, 'docs/examples/demo/seed.sql');
    return { urls: [['postgres://postgres@127.0.0.1:5432/pgsafe_demo', db.url]], cleanup: () => db.drop() };
  },
  /** The accounts of docs/commands/report.md's run, reached through DATABASE_URL. */
  async 'report-demo'() {
    const db = await createTestDatabase('docs_report');
    await seed(db, 'docs/examples/report/seed.sql');
    return { urls: [['postgres://postgres@127.0.0.1:5432/pgsafe_report_demo', db.url]], env: { DATABASE_URL: db.url }, cleanup: () => db.drop() };
  },
  /** A shop on a server a pg_dump here can dump (rehearse needs one), which also holds the scratch databases (as in
   *  the doc, one server: the same major). */
  async rehearse() {
    const source: RehearseSource = await startRehearseSource('docs_rehearse');
    await seed(source.db, 'docs/examples/shop/db/001_shop.sql', 'docs/examples/shop/seed.sql');
    return {
      urls: [
        [SHOP_URL, source.db.url],
        ['postgres://postgres@127.0.0.1:5432/postgres', withDatabase(source.db.url, 'postgres')],
      ],
      cleanup: () => source.stop(),
    };
  },
};

/** What varies from run to run, made the same on both sides: named by the block's `normalize` option. */
const NORMALIZERS: Record<string, [RegExp, string][]> = {
  times: [
    [/\[\s*\d+\.\d+s\]/g, '[<t>]'],
    [/\b\d+(\.\d+)? ?(ms|s|min)\b/g, '<t>'],
  ],
  pids: [[/\bpid \d+/g, 'pid <pid>']],
  versions: [
    [/\S*pg_dump \(\d[^()]*(\([^()]*\))?\)/g, '<pg_dump>'],
    // `PostgreSQL 15.20 (Debian 15.20-0+deb12u1)`; not the `(postgres@host/db)` or `(scratch copy)` that may follow
    [/PostgreSQL \d+(\.\d+)?( \([A-Z][^()@]*\))?/g, 'PostgreSQL <version>'],
  ],
  sizes: [[/\b\d+ (bytes|kB|KB|MB|GB)\b/g, '<size>']],
  names: [[/pgsafe_rehearse_[0-9a-f]+/g, 'pgsafe_rehearse_<id>']],
};

function normalize(lines: string[], names: string[]): string[] {
  return lines.map((line) => names.reduce((l, n) => NORMALIZERS[n]!.reduce((s, [re, to]) => s.replace(re, to), l), line.trimEnd()));
}

function run(command: string, cwd: string, extra: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
    for (const name of ['NO_COLOR', 'FORCE_COLOR', 'DATABASE_URL']) delete env[name];
    Object.assign(env, extra);
    const child = spawn('sh', ['-c', command], { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => done({ code, output: stdout + stderr }));
  });
}

/** The options a doc lists for a command are the ones its --help gives. */
async function compareOptions(example: DocExample): Promise<void> {
  const flags = (text: string) => new Set([...text.matchAll(/^\s+(?:-\w, )?(--[\w-]+)/gm)].map((m) => m[1]!).filter((f) => f !== '--help'));
  const help = await run(`pgsafe ${example.options.help} --help`, REPO);
  expect([...flags(example.commands[0]!.expected.join('\n'))].sort(), `${example.file}:${example.line}`).toEqual([...flags(help.output)].sort());
}

async function runExample(example: DocExample): Promise<void> {
  const { options } = example;
  if (options.help) return compareOptions(example);
  const fixture = options.setup ? await fixtures[options.setup]!() : undefined;
  try {
    let cwd = join(REPO, options.cwd ?? '.');
    if (options.copy) {
      cwd = join(mkdtempSync(join(tmpdir(), 'pgsafe-doc-')), 'project');
      cpSync(join(REPO, options.copy), cwd, { recursive: true });
    }
    const names = (options.normalize ?? '').split(',').filter(Boolean);
    for (const [i, step] of example.commands.entries()) {
      let command = step.command.replace(/\bpnpm exec pgsafe\b/g, 'pgsafe');
      for (const [shown, real] of fixture?.urls ?? []) command = command.split(shown).join(real);
      const result = await run(command, cwd, fixture?.env);
      let output = result.output;
      for (const [shown, real] of fixture?.urls ?? []) output = output.split(target(real)).join(target(shown));
      const actual = normalize(output.replace(/\n+$/, '').split('\n'), names);
      const expected = normalize(step.expected.join('\n').replace(/\n+$/, '').split('\n'), names);
      if (!matches(expected, actual)) {
        if (process.env.UPDATE_DOC_EXAMPLES) update(example, i, output.replace(/\n+$/, '').split('\n').map((l) => l.trimEnd()));
        expect(actual.join('\n'), `${example.file}:${example.line}: ${step.command}`).toBe(expected.join('\n'));
      }
      // The exit code the doc states is the last command's.
      if (options.exit !== undefined && i === example.commands.length - 1) expect(result.code, `${example.file}:${example.line}: exit code`).toBe(Number(options.exit));
    }
  } finally {
    await fixture?.cleanup();
  }
}

/** UPDATE_DOC_EXAMPLES=1: writes the real output into the doc's block, unless the block shows an excerpt (with
 *  `...` or `…`), which only a person can cut; its real output is printed instead. */
function update(example: DocExample, index: number, output: string[]): void {
  const step = example.commands[index]!;
  if (step.expected.some((l) => l === '...' || l.endsWith('…'))) {
    console.log(`${example.file}:${example.line}: ${step.command}\n${output.join('\n')}`);
    return;
  }
  const path = join(REPO, example.file);
  const lines = readFileSync(path, 'utf8').split('\n');
  // The output starts after the fence (and this command's $ line), and ends at the next $ line or the fence.
  let first = example.line;
  if (!example.options.command) first = lines.findIndex((l, i) => i >= first && l === `$ ${step.command}`) + 1;
  const end = lines.findIndex((l, i) => i >= first && (l.startsWith('```') || l.startsWith('$ ')));
  lines.splice(first, end - first, ...output);
  writeFileSync(path, lines.join('\n'));
}

const files = markdownFiles().filter((f) => f === 'README.md' || (f.startsWith('docs/') && !f.startsWith('docs/rules/')));
const all = files.map((file) => ({ file, ...docExamples(file) }));

beforeAll(() => {
  assertCliBuilt();
  bin = mkdtempSync(join(tmpdir(), 'pgsafe-doc-bin-'));
  writeFileSync(join(bin, 'pgsafe'), `#!/bin/sh\nexec "${process.execPath}" "${PGSAFE_BIN}" "$@"\n`);
  chmodSync(join(bin, 'pgsafe'), 0o755);
});

describe('documentation examples', () => {
  it('every output block of the docs is an example this test runs, or says why not', () => {
    expect(all.flatMap((f) => f.unchecked.map((line) => `${f.file}:${line}`))).toEqual([]);
    expect(all.flatMap((f) => f.examples).length).toBeGreaterThan(10);
  });

  for (const { file, examples } of all.filter((f) => f.examples.length)) {
    describe(file, () => {
      it.each(examples.map((e) => [`line ${e.line}: ${e.commands.map((c) => c.command).join('; ')}`, e] as const))('%s', async (_, example) => runExample(example), 120_000);
    });
  }
});
