/** `pgsafe fix` without a database: argument checking, the diff on a terminal, several files, what a file with
 *  nothing to fix gives. (Runs on PostgreSQL: test/e2e/fix-cli.test.ts.) */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertCliBuilt, pgsafeSync } from '@pgsafe/testing';

const pgsafe = (args: string[], env: Record<string, string> = {}, cwd = dir) => pgsafeSync(args, { env, cwd });

let dir: string;
const write = (name: string, sql: string) => {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, sql);
  return name;
};

beforeAll(() => {
  assertCliBuilt();
  dir = mkdtempSync(join(tmpdir(), 'pgsafe-fix-unit-'));
});

describe('pgsafe fix', () => {
  it('exits 2 on bad option values, naming the option', () => {
    const file = write('a.sql', 'ALTER TABLE t ADD COLUMN c int NOT NULL;\n');
    for (const [args, message] of [
      [['--value', 'nothing'], "option '--value <column=sql>' argument 'nothing' is invalid. expected [table.]column=<sql>"],
      [['--batch-size', '0'], "option '--batch-size <rows>' argument '0' is invalid. expected a whole number >= 1"],
      [['--lock-timeout', 'soon'], "option '--lock-timeout <duration>' argument 'soon' is invalid"],
      [['--lock-timeout', '0'], "option '--lock-timeout <duration>' argument '0' is invalid. expected a duration above 0 (0 turns the timeout off)"],
      [['--runner', 'flyway'], "option '--runner <runner>' argument 'flyway' is invalid. Allowed choices are run, prisma, knex, typeorm, mikro-orm."],
    ] as const) {
      const r = pgsafe(['fix', file, ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(message);
    }
    expect(readFileSync(join(dir, file), 'utf8')).toBe('ALTER TABLE t ADD COLUMN c int NOT NULL;\n');
  });

  it('fixes several files, colors the diff only when asked, and gives a file with nothing to fix back untouched', () => {
    const safe = write('safe.sql', "SET lock_timeout = '1s';\nSET statement_timeout = '5s';\nALTER TABLE t ADD COLUMN c int;\n");
    const index = write('index.sql', 'CREATE INDEX t_c_idx ON t (c);\n');
    const plain = pgsafe(['fix', safe, index, '--lock-timeout', '750ms']);
    expect(plain.code).toBe(0);
    expect(plain.stdout).not.toContain('\u001b[');
    expect(plain.stdout).not.toContain('safe.sql');
    expect(plain.stdout).toContain("+SET lock_timeout = '750ms';\n");
    expect(plain.stderr).toContain('safe.sql: nothing to fix.\n');
    const colored = pgsafe(['fix', index], { FORCE_COLOR: '1' });
    expect(colored.stdout).toContain('\u001b[');
    expect(pgsafe(['fix', index, '--no-color'], { FORCE_COLOR: '1' }).stdout).not.toContain('\u001b[');
  });

  it('lists an error-level finding it cannot fix and exits 1', () => {
    const file = write('serial.sql', "SET lock_timeout = '1s';\nSET statement_timeout = '5s';\nALTER TABLE t ADD COLUMN id2 serial PRIMARY KEY;\n");
    const r = pgsafe(['fix', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/serial\.sql:3: not fixed: .* \[adding-serial-primary-key-field\]/);
  });

  it('follows the config file: a rule turned off is not fixed', () => {
    write('configured/pgsafe.config.json', '{ "rules": { "require-concurrent-index-creation": "off" }, "runnerSetsTimeouts": true }\n');
    write('configured/m.sql', 'CREATE INDEX t_c_idx ON t (c);\nALTER TABLE t ADD CONSTRAINT t_c_check CHECK (c > 0);\n');
    const r = pgsafe(['fix', 'm.sql', '--json'], {}, join(dir, 'configured'));
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { changes: { rule: string }[] };
    expect(report.changes.map((c) => c.rule)).toEqual(['constraint-missing-not-valid']);
  });
});
