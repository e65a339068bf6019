/** The GitHub Action (action.yml, action/check.mjs) run as the runner runs it, on a fixture repository whose pull
 *  request branch adds a migration while its base branch moves on. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Tokens } from 'marked';
import { assertCliBuilt, PGSAFE_BIN, writeIn } from '@pgsafe/testing';
import { tokens } from '../docs/markdown.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const SCRIPT = join(REPO, 'action/check.mjs');

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=ci', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

/** Runs the action's script with the environment action.yml gives it. */
function action(cwd: string, inputs: Record<string, string>, summary?: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, INPUT_PGSAFE: `${process.execPath} ${PGSAFE_BIN}` };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase().replace(/-/g, '_')}`] = value;
  if (summary) env.GITHUB_STEP_SUMMARY = summary;
  else delete env.GITHUB_STEP_SUMMARY;
  for (const name of ['NO_COLOR', 'FORCE_COLOR']) delete env[name];
  const r = spawnSync(process.execPath, [SCRIPT], { cwd, env, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let repo: string;
let dir: string;

beforeAll(() => {
  assertCliBuilt();
  dir = mkdtempSync(join(tmpdir(), 'pgsafe-action-'));
  repo = join(dir, 'app');
  // main: two migrations, one of them unsafe (already merged: not the pull request's business)
  writeIn(repo, 'backend/db/migrations/001_create_users.sql', 'CREATE TABLE users (id bigint PRIMARY KEY, name text);\n');
  writeIn(repo, 'backend/db/migrations/002_old.sql', 'ALTER TABLE users RENAME COLUMN name TO full_name;\n');
  git(repo, 'init', '-q');
  git(repo, 'add', '.');
  git(repo, 'commit', '-qm', 'base');
  // the pull request: a migration an assistant wrote
  git(repo, 'checkout', '-qb', 'feature');
  writeIn(repo, 'backend/db/migrations/003_add_country.sql', 'ALTER TABLE users ADD COLUMN country text NOT NULL;\n');
  git(repo, 'add', '.');
  git(repo, 'commit', '-qm', 'add country');
  // main moves on meanwhile and edits 002: a plain diff against main would show it as changed by the branch
  git(repo, 'checkout', '-q', 'main');
  writeIn(repo, 'backend/db/migrations/002_old.sql', 'ALTER TABLE users RENAME COLUMN full_name TO display_name;\n');
  git(repo, 'commit', '-qam', 'main edits 002');
  git(repo, 'checkout', '-q', 'feature');
});

describe('the GitHub Action', { timeout: 120_000 }, () => {
  it('annotates only the migrations the pull request changed, with repository-relative paths, and fails on errors', () => {
    const summary = join(dir, 'summary.md');
    const r = action(join(repo, 'backend'), { paths: 'db/migrations', base: 'main', 'sarif-file': 'pgsafe.sarif' }, summary);
    expect(r.code).toBe(1);
    const annotations = r.stdout.split('\n').filter((l) => l.startsWith('::'));
    expect(annotations.length).toBeGreaterThan(0);
    expect(annotations.every((l) => l.includes('file=backend/db/migrations/003_add_country.sql,'))).toBe(true);
    expect(r.stdout).toMatch(/^::error file=backend\/db\/migrations\/003_add_country\.sql,line=1,col=30,endLine=1,title=pgsafe adding-required-field::Adding NOT NULL column country/m);
    expect(r.stdout).not.toContain('002_old');
    expect(r.stdout).toMatch(/^pgsafe: \d+ errors?, \d+ warnings? in 1 file checked$/m);

    const markdown = readFileSync(summary, 'utf8');
    expect(markdown).toMatch(/^### pgsafe: 🛑 \*\*Unsafe migrations\*\*/);
    expect(markdown).toContain('`adding-required-field`');
    expect(markdown).toContain('Migrations added or changed since `main` in `db/migrations`.');
    expect(markdown).not.toContain('002_old');

    const sarif = JSON.parse(readFileSync(join(repo, 'backend/pgsafe.sarif'), 'utf8'));
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('backend/db/migrations/003_add_country.sql');
  });

  it('passes a pull request whose migrations are safe, and says so on the job page', () => {
    git(repo, 'checkout', '-qb', 'safe', 'main');
    writeIn(repo, 'backend/db/migrations/004_bio.sql', "BEGIN;\nSET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN bio text;\nCOMMIT;\n");
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'bio');
    const summary = join(dir, 'safe.md');
    const r = action(join(repo, 'backend'), { paths: 'db/migrations', base: 'main' }, summary);
    git(repo, 'checkout', '-q', 'feature');
    expect(r.stdout).toBe('pgsafe: 0 errors, 0 warnings in 1 file checked\n');
    expect(r.code).toBe(0);
    expect(readFileSync(summary, 'utf8')).toMatch(/^### pgsafe: ✅ \*\*Safe\*\*\n\n0 errors, 0 warnings in 1 file checked\./);
  });

  it('without a base (a push), checks every migration; extra flags go to pgsafe check', () => {
    const r = action(join(repo, 'backend'), { paths: 'db/migrations/*.sql', args: '--rule renaming-column' });
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('::')).map((l) => /file=([^,]+)/.exec(l)![1])).toEqual(['backend/db/migrations/002_old.sql']);
    expect(r.stdout).toContain('in 3 files checked');
  });

  it('a checkout without the base history is a clear error, not a silent pass', () => {
    const shallow = join(dir, 'shallow');
    spawnSync('git', ['clone', '-q', '--depth', '1', '--branch', 'feature', `file://${repo}`, shallow]);
    const r = action(join(shallow, 'backend'), { paths: 'db/migrations', base: git(repo, 'rev-parse', 'main~1') });
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^::error title=pgsafe::cannot find where HEAD left [0-9a-f]+: .*fetch-depth: 0/m);
  });

  it('action.yml hands every input to the script, which reads exactly those', () => {
    const spec = parse(readFileSync(join(REPO, 'action.yml'), 'utf8')) as { inputs: Record<string, unknown>; runs: { using: string; steps: { env: Record<string, string>; run: string }[] } };
    expect(spec.runs.using).toBe('composite');
    const [step] = spec.runs.steps;
    expect(step!.run).toBe('node "$GITHUB_ACTION_PATH/action/check.mjs"');
    const expected = Object.keys(spec.inputs).filter((name) => name !== 'working-directory').map((name) => `INPUT_${name.toUpperCase().replace(/-/g, '_')}`);
    expect(Object.keys(step!.env).sort()).toEqual(expected.sort());
    for (const name of Object.keys(spec.inputs)) expect(JSON.stringify(step!.env) + JSON.stringify(step), name).toContain(`inputs.${name}`);
    const read = [...readFileSync(SCRIPT, 'utf8').matchAll(/input\('([A-Z_]+)'\)/g)].map((m) => `INPUT_${m[1]}`);
    expect([...new Set(read)].sort()).toEqual(expected.sort());
  });
});

describe('the pre-commit hook', { timeout: 120_000 }, () => {
  it('runs the project\'s pgsafe on the staged SQL files, as pre-commit calls it', () => {
    const [hook] = parse(readFileSync(join(REPO, '.pre-commit-hooks.yaml'), 'utf8')) as { id: string; entry: string; language: string; files: string; args: string[] }[];
    expect(hook!.id).toBe('pgsafe');
    const project = join(dir, 'hooked');
    writeIn(project, 'node_modules/.bin/pgsafe', `#!/bin/sh\nexec "${process.execPath}" "${PGSAFE_BIN}" "$@"\n`);
    spawnSync('chmod', ['+x', join(project, 'node_modules/.bin/pgsafe')]);
    writeIn(project, 'package.json', '{ "name": "hooked", "private": true }\n');
    const staged = ['migrations/001.sql', 'migrations/002.sql', 'README.md'].filter((f) => new RegExp(hook!.files).test(f));
    writeIn(project, 'migrations/001.sql', 'CREATE TABLE IF NOT EXISTS t (id bigint PRIMARY KEY);\n');
    writeIn(project, 'migrations/002.sql', 'CREATE INDEX t_id_idx ON t (id);\n');
    const [command, ...entryArgs] = hook!.entry.split(' ');
    const r = spawnSync(command!, [...entryArgs, ...hook!.args, ...staged], { cwd: project, encoding: 'utf8' });
    expect(staged).toEqual(['migrations/001.sql', 'migrations/002.sql']);
    // 002 builds an index without CONCURRENTLY on a table an earlier migration created: the commit is stopped
    expect(r.stdout).toMatch(/^migrations\/002\.sql:1:1: error: CREATE INDEX on t without CONCURRENTLY .*\[require-concurrent-index-creation\]$/m);
    expect(r.stdout).not.toContain('migrations/001.sql');
    expect(r.stdout).toMatch(/in 2 files checked\n$/);
    expect(r.status).toBe(1);
  });
});

describe('docs/ci.md, executed', { timeout: 120_000 }, () => {
  const blocks = (lang: string) => tokens('docs/ci.md').filter((t): t is Tokens.Code => t.type === 'code' && t.lang === lang).map((t) => t.text);

  it('the workflow: its pgsafe step, run by the action on a pull request adding a Prisma migration', () => {
    const workflow = parse(blocks('yaml')[0]!) as { jobs: Record<string, { steps: { uses?: string; with?: Record<string, string> }[] }> };
    const step = Object.values(workflow.jobs)[0]!.steps.find((s) => s.uses?.startsWith('pgsafe/pgsafe@'))!;
    const inputs = Object.keys((parse(readFileSync(join(REPO, 'action.yml'), 'utf8')) as { inputs: object }).inputs);
    expect(Object.keys(step.with!).every((name) => inputs.includes(name))).toBe(true);
    const project = join(dir, 'prisma-app');
    writeIn(project, 'prisma/migrations/20251201000000_init/migration.sql', 'CREATE TABLE "User" ("id" BIGINT NOT NULL, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));\n');
    git(project, 'init', '-q');
    git(project, 'add', '.');
    git(project, 'commit', '-qm', 'init');
    git(project, 'checkout', '-qb', 'pr');
    writeIn(project, 'prisma/migrations/20260102000000_email/migration.sql', 'ALTER TABLE "User" ADD COLUMN "email" TEXT NOT NULL;\n');
    git(project, 'add', '.');
    git(project, 'commit', '-qm', 'email');
    const r = action(project, { ...step.with, base: 'main' }, join(dir, 'prisma-summary.md'));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^::error file=prisma\/migrations\/20260102000000_email\/migration\.sql,line=1,.*title=pgsafe adding-required-field::/m);
    expect(r.stdout).not.toContain('20251201000000_init');
    const sarif = JSON.parse(readFileSync(join(project, step.with!['sarif-file']!), 'utf8'));
    expect(sarif.runs[0].results.map((x: { ruleId: string }) => x.ruleId)).toContain('adding-required-field');
  });

  it('the pre-commit config names the hook this repository defines', () => {
    const config = parse(blocks('yaml')[1]!) as { repos: { hooks: { id: string }[] }[] };
    const hooks = (parse(readFileSync(join(REPO, '.pre-commit-hooks.yaml'), 'utf8')) as { id: string }[]).map((h) => h.id);
    expect(config.repos[0]!.hooks.map((h) => h.id).every((id) => hooks.includes(id))).toBe(true);
  });

  it('the lint-staged command, run on the staged files as lint-staged runs it', () => {
    const config = JSON.parse(blocks('json')[0]!) as { 'lint-staged': Record<string, string> };
    const [glob, command] = Object.entries(config['lint-staged'])[0]!;
    expect(blocks('sh')[0]).toBe('npx lint-staged');
    const project = join(dir, 'staged');
    writeIn(project, 'node_modules/.bin/pgsafe', `#!/bin/sh\nexec "${process.execPath}" "${PGSAFE_BIN}" "$@"\n`);
    spawnSync('chmod', ['+x', join(project, 'node_modules/.bin/pgsafe')]);
    const file = writeIn(project, 'prisma/migrations/20260102000000_email/migration.sql', 'ALTER TABLE "User" ADD COLUMN "email" TEXT NOT NULL;\n');
    expect(glob).toBe('prisma/migrations/**/*.sql');
    // lint-staged runs the command with the staged files' absolute paths, node_modules/.bin on PATH
    const [bin, ...args] = command.split(' ');
    const r = spawnSync(bin!, [...args, file], { cwd: project, encoding: 'utf8', env: { ...process.env, PATH: `${join(project, 'node_modules/.bin')}:${process.env.PATH}` } });
    expect(r.stdout).toContain(`${file}:1:31: error: Adding NOT NULL column email to "User" without a DEFAULT fails if the table has any row. [adding-required-field]`);
    expect(r.status).toBe(1);
  });
});
