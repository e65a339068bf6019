/** The pre-commit hook (.pre-commit-hooks.yaml) and the lint-staged example of docs/ci.md, run as those tools run
 *  them: the hook's command with the staged files its pattern matches appended. The project's own pgsafe
 *  (`npx --no-install pgsafe`) is the built CLI here. */
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

interface Hook {
  id: string;
  entry: string;
  language: string;
  files: string;
  args?: string[];
}

let dir: string;

/** Runs `pgsafe <args> <files>` in the fixture project, as the hook tool would after `npx` found pgsafe. */
function pgsafeWith(args: string[], files: string[]) {
  const r = spawnSync(process.execPath, [PGSAFE_BIN, ...args, ...files], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The command of a hook written as `npx --no-install pgsafe ...` or `pgsafe ...`, without the launcher. */
function pgsafeArgs(command: string): string[] {
  const words = command.trim().split(/\s+/);
  const at = words.indexOf('pgsafe');
  expect(at, `${command} runs pgsafe`).toBeGreaterThanOrEqual(0);
  expect(words.slice(0, at).filter((w) => w !== 'npx' && w !== '--no-install'), `${command}: only npx --no-install before pgsafe`).toEqual([]);
  return words.slice(at + 1);
}

const STAGED = {
  'prisma/migrations/20240101_rename/migration.sql': 'ALTER TABLE users RENAME COLUMN name TO full_name;\n',
  'prisma/migrations/20240102_ok/migration.sql': 'CREATE TABLE IF NOT EXISTS tags (id bigint PRIMARY KEY, name text NOT NULL);\n',
  'prisma/migrations/20240103_typo/migration.sql': 'ALTER TABLE users ADD COLUMN;\n',
  'README.md': '# app\n',
};

beforeAll(() => {
  assertCliBuilt();
  dir = mkdtempSync(join(tmpdir(), 'pgsafe-pre-commit-'));
  for (const [name, text] of Object.entries(STAGED)) writeIn(dir, name, text);
});

describe('.pre-commit-hooks.yaml', () => {
  const hooks = parse(readFileSync(join(REPO, '.pre-commit-hooks.yaml'), 'utf8')) as Hook[];
  const hook = hooks.find((h) => h.id === 'pgsafe')!;
  const run = (staged: string[]) => pgsafeWith([...pgsafeArgs(hook.entry), ...(hook.args ?? [])], staged.filter((f) => new RegExp(hook.files).test(f)));

  it('declares one system hook on .sql files that runs the project\'s own pgsafe check', () => {
    expect(hook).toMatchObject({ language: 'system' });
    expect(pgsafeArgs(hook.entry)[0]).toBe('check');
    expect(Object.keys(STAGED).filter((f) => new RegExp(hook.files).test(f))).toHaveLength(3);
  });

  it('stops the commit on an error-level finding, one compact line per finding', () => {
    const r = run(['prisma/migrations/20240101_rename/migration.sql', 'README.md']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('prisma/migrations/20240101_rename/migration.sql:1:1: error: ');
    expect(r.stdout).toContain('[renaming-column]');
  });

  it('lets a safe migration through, and stops on one that does not parse', () => {
    expect(run(['prisma/migrations/20240102_ok/migration.sql']).code).toBe(0);
    const typo = run(['prisma/migrations/20240102_ok/migration.sql', 'prisma/migrations/20240103_typo/migration.sql']);
    expect(typo.code).toBe(2);
    expect(typo.stdout).toContain('1 file could not be checked');
  });
});

describe('the lint-staged example of docs/ci.md', () => {
  const json = tokens('docs/ci.md').find((t): t is Tokens.Code => t.type === 'code' && t.lang === 'json' && t.text.includes('lint-staged'))!;
  const config = (JSON.parse(json.text) as { 'lint-staged': Record<string, string> })['lint-staged'];
  const [[glob, command]] = Object.entries(config) as [[string, string]];

  it('names the migrations and runs pgsafe check on the staged ones (lint-staged appends their absolute paths)', () => {
    expect(glob).toBe('prisma/migrations/**/*.sql');
    const staged = ['prisma/migrations/20240101_rename/migration.sql', 'prisma/migrations/20240102_ok/migration.sql'].map((f) => join(dir, f));
    const r = pgsafeWith(pgsafeArgs(command), staged);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/migration\.sql:1:1: error: .*\[renaming-column\]/);
    expect(pgsafeWith(pgsafeArgs(command), [staged[1]!]).code).toBe(0);
  });
});
