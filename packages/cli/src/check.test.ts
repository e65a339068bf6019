import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertCliBuilt, pgsafeSync as pgsafe } from '@pgsafe/testing';

const EXAMPLES = fileURLToPath(new URL('../../../examples/migrations/', import.meta.url));

let dir: string;
const write = (name: string, sql: string) => {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, sql);
  return path;
};

beforeAll(() => {
  assertCliBuilt();
  dir = mkdtempSync(join(tmpdir(), 'pgsafe-cli-'));
});

describe('pgsafe check', () => {
  it('exits 1 on error-level findings and prints them like a compiler', () => {
    const file = write('danger.sql', 'SET lock_timeout = 1000;\nALTER TABLE users ADD COLUMN country text NOT NULL;\n');
    const r = pgsafe(['check', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${file}:2:30 error[adding-required-field]`);
    expect(r.stdout).toContain('2 | ALTER TABLE users ADD COLUMN country text NOT NULL;');
    expect(r.stdout).toMatch(/fix: Add the column nullable/);
    expect(r.stdout).toMatch(/1 error, 1 warning in 1 file checked/);
    expect(r.stdout).not.toContain('\u001b[');
  });

  it('exits 0 when only warnings remain', () => {
    const file = write('warn.sql', "SET lock_timeout = '1s';\nSET statement_timeout = '5s';\nALTER TABLE users ADD COLUMN at timestamp DEFAULT now();\n");
    const r = pgsafe(['check', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('warning[prefer-timestamp-tz]');
  });

  it('writes the documented JSON schema', () => {
    const file = write('json.sql', 'CREATE INDEX orders_at ON orders (at);\n');
    const r = pgsafe(['check', file, '--format', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(Object.keys(report)).toEqual(['version', 'findings', 'files', 'errors', 'summary']);
    expect(report.version).toBe(1);
    expect(report.files).toEqual([{ file, statements: 1 }]);
    const finding = report.findings.find((f: { rule: string }) => f.rule === 'require-concurrent-index-creation');
    expect(finding).toMatchObject({
      severity: 'error',
      file,
      start: { line: 1, column: 1 },
      lock: { mode: 'SHARE', table: 'orders' },
      recipe: { sql: 'CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_at ON orders (at);' },
    });
    expect(report.summary).toEqual({ errors: 2, warnings: 1, files: 1 });
  });

  it('reads stdin for -, with --stdin-filename', () => {
    const r = pgsafe(['check', '-', '--stdin-filename', 'db/001.sql'], { input: 'ALTER TABLE users RENAME COLUMN a TO b;' });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('db/001.sql:1:1 error[renaming-column]');
  });

  it('recurses into directories in sorted order and expands globs', () => {
    write('prisma/migrations/20240102_b/migration.sql', 'ALTER TABLE b RENAME TO c;\n');
    write('prisma/migrations/20240101_a/migration.sql', 'ALTER TABLE a RENAME TO z;\n');
    write('prisma/migrations/migration_lock.toml', 'provider = "postgresql"\n');
    const viaDir = pgsafe(['check', join(dir, 'prisma/migrations'), '--format', 'json']);
    expect(JSON.parse(viaDir.stdout).files.map((f: { file: string }) => f.file.slice(dir.length))).toEqual([
      '/prisma/migrations/20240101_a/migration.sql',
      '/prisma/migrations/20240102_b/migration.sql',
    ]);
    const viaGlob = pgsafe(['check', 'prisma/migrations/*/migration.sql', '--format', 'json'], { cwd: dir });
    expect(JSON.parse(viaGlob.stdout).summary.files).toBe(2);
  });

  it('exits 2 for a path that does not exist, and names it', () => {
    const r = pgsafe(['check', join(dir, 'missing.sql')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`no such file or directory: ${join(dir, 'missing.sql')}`);
  });

  it('reports a parse error with its line and column (in characters), exits 2, and still checks the other files', () => {
    const bad = write('bad.sql', '-- Ajouté par l’équipe «données»\nALTER TABLE "usérs" ADDD COLUMN x int;\n');
    const good = write('good.sql', 'ALTER TABLE users ADD COLUMN country text NOT NULL;\n');
    const r = pgsafe(['check', bad, good]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}:2:21: error: syntax error at or near "ADDD"`);
    expect(r.stderr).toContain('2 | ALTER TABLE "usérs" ADDD COLUMN x int;\n  |                     ^');
    expect(r.stdout).toContain('error[adding-required-field]');
    expect(r.stdout).toContain('1 file could not be checked');
  });

  it('colors only when asked: FORCE_COLOR on, NO_COLOR and --no-color off', () => {
    const file = write('color.sql', 'ALTER TABLE users RENAME COLUMN a TO b;\n');
    expect(pgsafe(['check', file], { env: { FORCE_COLOR: '1' } }).stdout).toContain('\u001b[');
    expect(pgsafe(['check', file], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } }).stdout).not.toContain('\u001b[');
    expect(pgsafe(['check', file, '--no-color'], { env: { FORCE_COLOR: '1' } }).stdout).not.toContain('\u001b[');
  });

  it('validates --pg-version and honours it', () => {
    expect(pgsafe(['check', '--pg-version', '9', 'x.sql']).code).toBe(2);
    expect(pgsafe(['check', '--pg-version', 'abc', 'x.sql']).stderr).toContain('expected a PostgreSQL major version');
    const sql = 'ALTER TABLE users ADD CONSTRAINT c CHECK (country IS NOT NULL);\nALTER TABLE users ALTER COLUMN country SET NOT NULL;';
    const rules = (v: string) =>
      JSON.parse(pgsafe(['check', '-', '--pg-version', v, '--format', 'json'], { input: sql }).stdout).findings.map((f: { rule: string }) => f.rule);
    expect(rules('11')).toContain('adding-not-nullable-field');
    expect(rules('12')).not.toContain('adding-not-nullable-field');
  });

  it('lists the rules', () => {
    const r = pgsafe(['check', '--list-rules', '--format', 'json']);
    expect(r.code).toBe(0);
    const rules = JSON.parse(r.stdout) as { id: string; severity: string }[];
    expect(rules.map((x) => x.id)).toContain('require-lock-timeout');
    expect(pgsafe(['check', '--list-rules']).stdout).toMatch(/^adding-foreign-key-constraint +error +/m);
  });

  it('exits 2 with usage help when no path is given, and prints --help', () => {
    const r = pgsafe(['check']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('give at least one file');
    const help = pgsafe(['check', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Exit codes: 0 no error-level finding');
  });
});

describe('the example migrations', () => {
  it('reports each of the seven incidents in the dangerous migration', () => {
    const r = pgsafe(['check', join(EXAMPLES, '001_add_country_and_orders_constraints.sql'), '--format', 'json']);
    expect(r.code).toBe(1);
    const rules = new Set(JSON.parse(r.stdout).findings.map((f: { rule: string }) => f.rule));
    for (const rule of [
      'adding-required-field',
      'require-lock-timeout',
      'require-concurrent-index-creation',
      'constraint-missing-not-valid',
      'adding-foreign-key-constraint',
      'foreign-key-missing-index',
      'renaming-column',
      'prefer-timestamp-tz',
    ]) expect(rules, rule).toContain(rule);
    // Opt-in since issue 22 (it was wrong on every sampled real migration): named, it reports the unique handle.
    const optIn = pgsafe(['check', join(EXAMPLES, '001_add_country_and_orders_constraints.sql'), '--rule', 'collation-dependent-unique', '--format', 'json']);
    expect(JSON.parse(optIn.stdout).findings.map((f: { rule: string }) => f.rule)).toEqual(['collation-dependent-unique']);
  });

  it('reports nothing for its safe version', () => {
    const r = pgsafe(['check', join(EXAMPLES, '002_add_country_and_orders_constraints_safe.sql'), '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).findings).toEqual([]);
  });
});

describe('pgsafe check CI formats', () => {
  const sql = 'ALTER TABLE users RENAME COLUMN name TO full_name;\n';

  it('github: one workflow annotation per finding, values escaped', () => {
    const file = write('ci/a,b.sql', sql);
    const r = pgsafe(['check', file, '--format', 'github']);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    const rename = lines.find((l) => l.includes('renaming-column'))!;
    expect(rename).toMatch(/^::error file=[^,]*a%2Cb\.sql,line=1,col=1,endLine=1,title=pgsafe renaming-column::Renaming users\.name/);
    expect(rename).toContain('%0A%0AFix: Expand and contract');
    expect(lines.at(-1)).toBe('pgsafe: 2 errors, 0 warnings in 1 file checked');
  });

  it('sarif: a valid 2.1.0 log with rule descriptors and located results', () => {
    const file = write('ci/sarif.sql', sql);
    const log = JSON.parse(pgsafe(['check', file, '--format', 'sarif']).stdout);
    expect(log.version).toBe('2.1.0');
    const run = log.runs[0];
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toContain('renaming-column');
    const result = run.results.find((x: { ruleId: string }) => x.ruleId === 'renaming-column');
    expect(result).toMatchObject({ level: 'error', locations: [{ physicalLocation: { region: { startLine: 1, startColumn: 1 } } }] });
    expect(result.locations[0].physicalLocation.artifactLocation.uri).toBe(file);
  });

  it('markdown: a verdict, a table row per finding and the recipes', () => {
    const unsafe = pgsafe(['check', write('ci/md.sql', sql), '--format', 'markdown']).stdout;
    expect(unsafe).toMatch(/^### pgsafe: 🛑 \*\*Unsafe migrations\*\*/);
    expect(unsafe).toContain('| 🛑 error |');
    expect(unsafe).toContain('```sql\n-- deploy 1, migration');
    const safe = pgsafe(['check', join(EXAMPLES, '002_add_country_and_orders_constraints_safe.sql'), '--format', 'markdown']);
    expect(safe.code).toBe(0);
    expect(safe.stdout).toBe('### pgsafe: ✅ **Safe**\n\n0 errors, 0 warnings in 1 file checked.\n');
  });
});

describe('pgsafe check configuration', () => {
  it('finds pgsafe.config.json upward from the working directory and applies it', () => {
    write('proj/pgsafe.config.json', JSON.stringify({ rules: { 'renaming-column': 'warning' } }));
    write('proj/db/migrations/001.sql', "SET lock_timeout = '1s';\nSET statement_timeout = '1s';\nALTER TABLE users RENAME COLUMN a TO b;\n");
    const r = pgsafe(['check', 'migrations/001.sql'], { cwd: join(dir, 'proj/db') });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('warning[renaming-column]');
  });

  it('loads pgsafe.config.mjs written with defineConfig-style default export, and --config', () => {
    write('mjs/pgsafe.config.mjs', "export default { rules: { 'renaming-column': 'off' } };\n");
    write('mjs/a.sql', 'ALTER TABLE users RENAME COLUMN a TO b;\n');
    const r = pgsafe(['check', 'a.sql', '--format', 'json'], { cwd: join(dir, 'mjs') });
    expect(JSON.parse(r.stdout).findings.map((f: { rule: string }) => f.rule)).not.toContain('renaming-column');
    const explicit = pgsafe(['check', join(dir, 'mjs/a.sql'), '--config', join(dir, 'mjs/pgsafe.config.mjs'), '--format', 'json']);
    expect(JSON.parse(explicit.stdout).findings.map((f: { rule: string }) => f.rule)).not.toContain('renaming-column');
  });

  it('exits 2 on unknown keys, naming the file and the key', () => {
    write('bad/pgsafe.config.json', '{ "pgVersion": 15, "lockTimeout": "2s" }');
    write('bad/a.sql', 'SELECT 1;\n');
    const r = pgsafe(['check', 'a.sql'], { cwd: join(dir, 'bad') });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(dir, 'bad/pgsafe.config.json')}: unknown key "lockTimeout"`);
  });
});

describe('pgsafe check --since', () => {
  it('checks only the migrations added or changed since a git ref, untracked ones included', () => {
    const repo = join(dir, 'repo');
    const git = (...args: string[]) => spawnSync('git', args, { cwd: repo, encoding: 'utf8' });
    write('repo/migrations/001_old.sql', 'ALTER TABLE a RENAME TO b;\n');
    git('init', '-q');
    git('-c', 'user.email=t@t', '-c', 'user.name=t', 'add', '.');
    git('-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-qm', 'base');
    write('repo/migrations/002_new.sql', 'ALTER TABLE c RENAME TO d;\n');
    const r = pgsafe(['check', 'migrations', '--since', 'HEAD', '--format', 'json'], { cwd: repo });
    expect(JSON.parse(r.stdout).files.map((f: { file: string }) => f.file)).toEqual(['migrations/002_new.sql']);
    // The unchanged migrations are still replayed: the new one is judged in the schema they leave.
    write('repo/migrations/003_e.up.sql', 'CREATE TABLE e (id int, email varchar(100));\n');
    git('-c', 'user.email=t@t', '-c', 'user.name=t', 'add', '.');
    git('-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-qm', 'e');
    // Narrowing varchar(100) to varchar(50) rewrites; alone, the old type is unknown and varchar(50) may widen it.
    write('repo/migrations/004_narrow.up.sql', 'ALTER TABLE e ALTER COLUMN email TYPE varchar(50);\n');
    const after = JSON.parse(pgsafe(['check', 'migrations', '--since', 'HEAD', '--format', 'json'], { cwd: repo }).stdout);
    expect(after.files.map((f: { file: string }) => f.file)).toEqual(['migrations/004_narrow.up.sql']);
    expect(after.findings.map((f: { rule: string }) => f.rule)).toContain('changing-column-type');
    const alone = JSON.parse(pgsafe(['check', '-', '--format', 'json'], { cwd: repo, input: 'ALTER TABLE e ALTER COLUMN email TYPE varchar(50);\n' }).stdout);
    expect(alone.findings.map((f: { rule: string }) => f.rule)).not.toContain('changing-column-type');
    const bad = pgsafe(['check', 'migrations', '--since', 'no-such-ref'], { cwd: repo });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--since no-such-ref: git diff failed');
  });
});

describe('pgsafe check judges each migration after the earlier ones of its folder', () => {
  const ids = (stdout: string, file: string) => JSON.parse(stdout).findings.filter((f: { file: string }) => f.file.endsWith(file)).map((f: { rule: string }) => f.rule);
  const fk = 'ALTER TABLE "Order" ADD CONSTRAINT "Order_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"(id) NOT VALID;\n';

  it('replays a Prisma folder in order: an index from an earlier migration counts, each file is one transaction', () => {
    write('history/prisma/migrations/20240102_fk/migration.sql', fk);
    write('history/prisma/migrations/20240101_init/migration.sql', 'CREATE TABLE "Order" (id int, "userId" int);\nCREATE INDEX "Order_userId_idx" ON "Order" ("userId");\n');
    write('history/prisma/migrations/20240103_cols/migration.sql', 'ALTER TABLE "Order" ADD COLUMN a int;\nALTER TABLE "Order" ADD COLUMN b int;\n');
    const r = pgsafe(['check', join(dir, 'history/prisma/migrations'), '--format', 'json']);
    const report = JSON.parse(r.stdout);
    expect(report.files.map((f: { file: string }) => f.file.split('/').at(-2))).toEqual(['20240101_init', '20240102_fk', '20240103_cols']);
    expect(ids(r.stdout, '20240102_fk/migration.sql')).not.toContain('foreign-key-missing-index');
    expect(ids(r.stdout, '20240103_cols/migration.sql')).not.toContain('prefer-robust-stmts');
    // A migration file named alone is judged after its folder's earlier migrations too.
    const named = pgsafe(['check', join(dir, 'history/prisma/migrations/20240102_fk/migration.sql'), '--format', 'json']);
    expect(JSON.parse(named.stdout).files).toHaveLength(1);
    expect(ids(named.stdout, '20240102_fk/migration.sql')).not.toContain('foreign-key-missing-index');
    // The same file alone, outside its folder, cannot know the index.
    const copy = write('loose/fk.sql', fk);
    expect(ids(pgsafe(['check', copy, '--format', 'json']).stdout, 'fk.sql')).toContain('foreign-key-missing-index');
  });

  it('leaves out the down migrations of a folder (they run only on a manual rollback) unless named', () => {
    write('rollbacks/migrations/2024-01-01-000000_notes/up.sql', 'ALTER TABLE notes ADD COLUMN body text;\n');
    write('rollbacks/migrations/2024-01-01-000000_notes/down.sql', 'ALTER TABLE notes DROP COLUMN body;\n');
    write('rollbacks/sql/1_tags.up.sql', 'ALTER TABLE tags RENAME COLUMN label TO name;\n');
    write('rollbacks/sql/1_tags.down.sql', 'ALTER TABLE tags RENAME COLUMN name TO label;\n');
    const files = (args: string[]) => JSON.parse(pgsafe(['check', ...args, '--format', 'json'], { cwd: join(dir, 'rollbacks') }).stdout).files.map((f: { file: string }) => f.file);
    expect(files(['migrations', 'sql'])).toEqual(['migrations/2024-01-01-000000_notes/up.sql', 'sql/1_tags.up.sql']);
    const named = pgsafe(['check', 'migrations/2024-01-01-000000_notes/down.sql', '--format', 'json'], { cwd: join(dir, 'rollbacks') });
    expect(ids(named.stdout, 'down.sql')).toContain('ban-drop-column');
  });

  it('follows the configured runner: goose files run in a transaction unless marked, numbered by version', () => {
    write('goose/pgsafe.config.json', JSON.stringify({ runner: 'goose' }));
    write('goose/db/10_fk.sql', `-- +goose Up\n${fk}`);
    write('goose/db/9_init.sql', '-- +goose Up\nCREATE TABLE "Order" (id int, "userId" int);\nCREATE INDEX "Order_userId_idx" ON "Order" ("userId");\n');
    write('goose/db/11_cols.sql', '-- +goose NO TRANSACTION\n-- +goose Up\nALTER TABLE "Order" ADD COLUMN a int;\nALTER TABLE "Order" ADD COLUMN b int;\n');
    const r = pgsafe(['check', 'db', '--format', 'json'], { cwd: join(dir, 'goose') });
    expect(JSON.parse(r.stdout).files.map((f: { file: string }) => f.file)).toEqual(['db/9_init.sql', 'db/10_fk.sql', 'db/11_cols.sql']);
    expect(ids(r.stdout, '10_fk.sql')).not.toContain('foreign-key-missing-index');
    expect(ids(r.stdout, '11_cols.sql')).toContain('prefer-robust-stmts');
    // A flat folder whose files name no runner is not a history: these two are alternatives, each judged alone.
    write('alternatives/001_handle.sql', 'ALTER TABLE users ADD COLUMN handle text;\n');
    write('alternatives/002_handle.sql', 'ALTER TABLE users ADD COLUMN IF NOT EXISTS handle text COLLATE "C";\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_handle_key ON users (handle);\n');
    expect(ids(pgsafe(['check', join(dir, 'alternatives'), '--format', 'json']).stdout, '002_handle.sql')).not.toContain('collation-dependent-unique');
    write('badrunner/pgsafe.config.json', JSON.stringify({ runner: 'liquibase' }));
    write('badrunner/a.sql', 'SELECT 1;\n');
    const wrong = pgsafe(['check', 'a.sql'], { cwd: join(dir, 'badrunner') });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('"runner" must be one of prisma, diesel');
  });
});

describe('pgsafe run configuration', () => {
  it('takes the run policy from pgsafe.config.json, and flags win over it', () => {
    write('runcfg/pgsafe.config.json', JSON.stringify({ run: { lockTimeout: '750ms', retries: 3 } }));
    write('runcfg/m.sql', 'ALTER TABLE t ADD COLUMN a int;\n');
    const fromConfig = pgsafe(['run', 'm.sql', '--dry-run'], { cwd: join(dir, 'runcfg') });
    expect(fromConfig.code).toBe(0);
    expect(fromConfig.stdout).toContain('defaults: lock_timeout 750ms, statement_timeout 1min');
    expect(fromConfig.stdout).toContain('lock-timeout retries: 3 within');
    const flag = pgsafe(['run', 'm.sql', '--dry-run', '--lock-timeout', '300ms'], { cwd: join(dir, 'runcfg') });
    expect(flag.stdout).toContain('defaults: lock_timeout 300ms');
  });
});

describe('pgsafe.config.ts', () => {
  it('is loaded (TypeScript syntax included) on Node 20', () => {
    write('tscfg/pgsafe.config.ts', "interface Run { lockTimeout: string }\nconst run: Run = { lockTimeout: '650ms' };\nexport default { run, rules: { 'renaming-column': 'off' } };\n");
    write('tscfg/m.sql', 'ALTER TABLE users RENAME COLUMN a TO b;\n');
    const r = pgsafe(['run', 'm.sql', '--dry-run'], { cwd: join(dir, 'tscfg') });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('defaults: lock_timeout 650ms');
  });
});

describe('pgsafe run judges the grouping it will run', () => {
  it('refuses a backfill that its plan would put in the same transaction as the DDL', () => {
    const file = write('grouped/backfill.sql', "ALTER TABLE users ADD COLUMN country text;\nUPDATE users SET country = 'FR';\n");
    const check = pgsafe(['check', file, '--format', 'json']);
    expect(JSON.parse(check.stdout).findings.map((f: { rule: string }) => f.rule)).not.toContain('backfill-in-schema-migration');
    const run = pgsafe(['run', file, '--dry-run']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('error[backfill-in-schema-migration]');
  });
});

describe('pgsafe check for CI logs and humans in a hurry', () => {
  // Two errors (renaming-column, require-lock-timeout) and a warning (prefer-timestamp-tz) on lines 1-2.
  const sql = 'ALTER TABLE users RENAME COLUMN name TO full_name;\nALTER TABLE users ADD COLUMN seen_at timestamp DEFAULT now();\n';

  it('compact: one line a finding, the form problem matchers read, then the summary', () => {
    const file = write('hurry/compact.sql', sql);
    const r = pgsafe(['check', file, '--format', 'compact']);
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toContain(`${file}:1:1: error: Renaming users.name to full_name breaks every running query that still uses name. [renaming-column]`);
    expect(lines.filter((l) => l.startsWith(`${file}:`))).toHaveLength(lines.length - 1);
    expect(lines.at(-1)).toMatch(/^\d+ errors?, \d+ warnings? in 1 file checked$/);
  }, 90_000);

  it('the summary line of every text format counts the files that could not be parsed', () => {
    const bad = write('hurry/unparsable.sql', 'ALTER TABLE users ADDD COLUMN x int;\n');
    const good = write('hurry/parsable.sql', sql);
    for (const format of ['pretty', 'compact', 'github', 'markdown']) {
      const r = pgsafe(['check', bad, good, '--format', format]);
      expect(r.code, format).toBe(2);
      expect(r.stdout, format).toMatch(/in 2 files checked, 1 file could not be checked/);
    }
    // compact keeps the parse error on one line too
    expect(pgsafe(['check', bad, '--format', 'compact']).stderr).toBe(`${bad}:1:19: error: syntax error at or near "ADDD"\n`);
  }, 90_000);

  it('--quiet shows error-level findings only and says how many warnings it hid', () => {
    const file = write('hurry/quiet.sql', sql);
    const all = pgsafe(['check', file, '--format', 'compact']);
    const quiet = pgsafe(['check', file, '--format', 'compact', '--quiet']);
    expect(all.stdout).toContain(': warning: ');
    expect(quiet.stdout).not.toContain(': warning: ');
    expect(quiet.stdout).toContain(': error: ');
    const warnings = all.stdout.split('\n').filter((l) => l.includes(': warning: ')).length;
    expect(quiet.stdout).toContain(`${warnings} warning${warnings === 1 ? '' : 's'} not shown in 1 file checked`);
    expect(quiet.code).toBe(1);
  }, 90_000);

  it('--max-warnings fails the run when there are more warnings than allowed', () => {
    const file = write('hurry/warnings.sql', "SET lock_timeout = '1s';\nSET statement_timeout = '1s';\nALTER TABLE users ADD COLUMN a timestamp DEFAULT now();\nALTER TABLE users ADD COLUMN b timestamp DEFAULT now();\n");
    const r = pgsafe(['check', file, '--format', 'json']);
    const warnings = JSON.parse(r.stdout).summary.warnings as number;
    expect(r.code).toBe(0);
    expect(warnings).toBeGreaterThanOrEqual(2);
    expect(pgsafe(['check', file, '--max-warnings', String(warnings)]).code).toBe(0);
    const over = pgsafe(['check', file, '--max-warnings', String(warnings - 1)]);
    expect(over.code).toBe(1);
    expect(over.stderr).toContain(`pgsafe: error: ${warnings} warnings, more than --max-warnings ${warnings - 1}`);
    expect(pgsafe(['check', file, '--max-warnings', '-1']).code).toBe(2);
  }, 90_000);

  it('--rule runs only the rules named (opt-in ones included)', () => {
    const file = write('hurry/select.sql', sql);
    const rules = (...args: string[]) => new Set(JSON.parse(pgsafe(['check', file, '--format', 'json', ...args]).stdout).findings.map((f: { rule: string }) => f.rule));
    const all = rules();
    expect(all).toContain('renaming-column');
    expect(all).toContain('prefer-timestamp-tz');
    expect([...rules('--rule', 'renaming-column')]).toEqual(['renaming-column']);
    expect([...rules('--rule', 'renaming-column,prefer-timestamp-tz')].sort()).toEqual(['prefer-timestamp-tz', 'renaming-column']);
    expect([...rules('--rule', 'renaming-column', '--rule', 'prefer-timestamp-tz')].sort()).toEqual(['prefer-timestamp-tz', 'renaming-column']);
    expect(rules('--rule', 'require-table-schema')).toContain('require-table-schema');
  }, 90_000);

  it('--skip-rule leaves rules out; an unknown rule id is a usage error', () => {
    const file = write('hurry/skip.sql', sql);
    const rules = (...args: string[]) => new Set(JSON.parse(pgsafe(['check', file, '--format', 'json', ...args]).stdout).findings.map((f: { rule: string }) => f.rule));
    const skipped = rules('--skip-rule', 'renaming-column');
    expect(skipped).not.toContain('renaming-column');
    expect(skipped).toContain('prefer-timestamp-tz');
    const unknown = pgsafe(['check', file, '--rule', 'renaming-colum']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown rule renaming-colum');
  }, 90_000);

  it('an ignore of a rule left out by --skip-rule or --rule is not reported as unused', () => {
    const file = write('hurry/ignored.sql', '-- pgsafe-ignore renaming-column: the app reads both names\nALTER TABLE users RENAME COLUMN name TO full_name;\nALTER TABLE users ADD COLUMN seen_at timestamp DEFAULT now();\n');
    const rules = (...args: string[]) => JSON.parse(pgsafe(['check', file, '--format', 'json', ...args]).stdout).findings.map((f: { rule: string }) => f.rule);
    expect(rules('--skip-rule', 'renaming-column')).not.toContain('unused-ignore');
    expect(rules('--rule', 'prefer-timestamp-tz,unused-ignore')).toEqual(['prefer-timestamp-tz']);
    // a misspelled rule id is still reported
    const typo = write('hurry/typo.sql', '-- pgsafe-ignore renaming-colum: typo\nALTER TABLE users RENAME COLUMN name TO full_name;\n');
    expect(JSON.parse(pgsafe(['check', typo, '--format', 'json', '--skip-rule', 'renaming-column']).stdout).findings.map((f: { rule: string }) => f.rule)).toContain('unused-ignore');
  }, 90_000);

  it('github and sarif name files relative to the repository root, wherever pgsafe runs from', () => {
    const repo = join(dir, 'relrepo');
    write('relrepo/backend/db/migrations/001.sql', sql);
    spawnSync('git', ['init', '-q'], { cwd: repo });
    const cwd = join(repo, 'backend');
    const github = pgsafe(['check', 'db/migrations/001.sql', '--format', 'github'], { cwd });
    expect(github.stdout).toMatch(/^::error file=backend\/db\/migrations\/001\.sql,line=1,/m);
    const sarif = JSON.parse(pgsafe(['check', 'db/migrations/001.sql', '--format', 'sarif'], { cwd }).stdout).runs[0];
    expect(sarif.results[0].locations[0].physicalLocation.artifactLocation).toEqual({ uri: 'backend/db/migrations/001.sql', uriBaseId: '%SRCROOT%' });
    expect(sarif.originalUriBaseIds['%SRCROOT%'].uri).toBe(`file://${repo}/`);
    // the human formats keep the path as given
    expect(pgsafe(['check', 'db/migrations/001.sql', '--format', 'compact'], { cwd }).stdout).toMatch(/^db\/migrations\/001\.sql:1:1: error/m);
  }, 90_000);
});
