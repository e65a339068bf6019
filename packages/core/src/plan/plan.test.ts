import { beforeAll, describe, expect, it } from 'vitest';
import { loadParser, parseMigration } from '../parse.js';
import { plan } from './plan.js';
import { formatPlan } from './format.js';
import { formatDuration, parseDuration } from './duration.js';
import { PlanError, type PlanOptions } from './types.js';

beforeAll(() => loadParser());

const planOf = (sql: string, options: PlanOptions = {}) => plan(parseMigration(sql, 'm.sql'), options);
const shape = (sql: string, options: PlanOptions = {}) => planOf(sql, options).steps.map((s) => [s.kind, s.statements.map((st) => st.index)]);

function planError(sql: string): PlanError {
  try {
    planOf(sql);
  } catch (error) {
    if (error instanceof PlanError) return error;
    throw error;
  }
  throw new Error('expected a PlanError');
}

describe('plan: grouping', () => {
  it('groups transactional statements between non-transactional ones, each of which runs alone in autocommit', () => {
    const sql = `
      ALTER TABLE a ADD COLUMN x int;
      CREATE TABLE b (id int);
      CREATE INDEX CONCURRENTLY a_x_idx ON a (x);
      DROP INDEX CONCURRENTLY old_idx;
      ALTER TABLE a ADD COLUMN y int;
      VACUUM a;
      REINDEX INDEX CONCURRENTLY a_x_idx;
      ALTER SYSTEM SET work_mem = '8MB';
      ALTER TABLE p DETACH PARTITION p1 CONCURRENTLY;
      CREATE DATABASE other;`;
    expect(shape(sql)).toEqual([
      ['transaction', [0, 1]],
      ['create-index-concurrently', [2]],
      ['drop-index-concurrently', [3]],
      ['transaction', [4]],
      ['vacuum', [5]],
      ['reindex-concurrently', [6]],
      ['alter-system', [7]],
      ['detach-partition-concurrently', [8]],
      ['database', [9]],
    ]);
    const steps = planOf(sql).steps;
    expect(steps.map((s) => s.transactional)).toEqual([true, false, false, true, false, false, false, false, false]);
    expect(steps.map((s) => s.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('keeps an explicit BEGIN ... COMMIT block as one step, with its own BEGIN', () => {
    const sql = 'ALTER TABLE a ADD COLUMN x int;\nBEGIN ISOLATION LEVEL SERIALIZABLE;\nALTER TABLE a ADD COLUMN y int;\nUPDATE a SET y = 1;\nCOMMIT;\nALTER TABLE a ADD COLUMN z int;';
    const p = planOf(sql);
    expect(p.steps.map((s) => [s.kind, s.statements.map((st) => st.index), s.lines])).toEqual([
      ['transaction', [0], [1, 1]],
      ['transaction-block', [2, 3], [2, 5]],
      ['transaction', [5], [6, 6]],
    ]);
    expect(p.steps[1]!.sql.split('\n')[0]).toBe('BEGIN ISOLATION LEVEL SERIALIZABLE;');
  });

  it('runs VALIDATE CONSTRAINT in a transaction of its own, with the long (relaxed) timeouts', () => {
    const p = planOf('ALTER TABLE a ADD CONSTRAINT c CHECK (x > 0) NOT VALID;\nALTER TABLE a VALIDATE CONSTRAINT c;\nALTER TABLE a ADD COLUMN z int;');
    expect(p.steps.map((s) => [s.kind, s.long, s.lockTimeoutMs, s.statementTimeoutMs])).toEqual([
      ['transaction', false, 2000, 60_000],
      ['validate-constraint', true, 0, 0],
      ['transaction', false, 2000, 60_000],
    ]);
    expect(p.steps[1]!.targets).toMatchObject([{ mode: 'SHARE UPDATE EXCLUSIVE', blocksTraffic: false }]);
    expect(p.steps[1]!.preflight).toBe(false);
  });

  it('runs ALTER TYPE ... ADD VALUE outside a transaction before PostgreSQL 12, and ends its group from 12 on', () => {
    const sql = "ALTER TYPE mood ADD VALUE 'meh';\nUPDATE people SET mood = 'meh' WHERE mood IS NULL;";
    expect(shape(sql, { pgVersion: 11 })).toEqual([
      ['enum-add-value', [0]],
      ['transaction', [1]],
    ]);
    expect(shape(sql, { pgVersion: 12 })).toEqual([
      ['transaction', [0]],
      ['transaction', [1]],
    ]);
  });

  it('refuses what cannot run as written, with the position', () => {
    const e = planError('BEGIN;\nALTER TABLE a ADD COLUMN x int;\n  CREATE INDEX CONCURRENTLY i ON a (x);\nCOMMIT;');
    expect(e.message).toMatch(/^m\.sql:3:3: CREATE INDEX CONCURRENTLY cannot run inside a transaction block \(BEGIN at line 1/);
    expect(planError('ALTER TABLE a ADD COLUMN x int;\nBEGIN;\nALTER TABLE a ADD COLUMN y int;').message).toMatch(/^m\.sql:2:1: BEGIN is never committed/);
    expect(planError('BEGIN;\nDROP TABLE a;\nROLLBACK;').message).toMatch(/^m\.sql:3:1: ROLLBACK in a migration/);
  });

  it('ignores stray transaction control, like PostgreSQL does, and says so', () => {
    const p = planOf('COMMIT;\nBEGIN;\nBEGIN;\nALTER TABLE a ADD COLUMN x int;\nCOMMIT;\nBEGIN;\nCOMMIT;');
    expect(p.steps.map((s) => s.kind)).toEqual(['transaction-block']);
    expect(p.notes.map((n) => n.line)).toEqual([1, 3, 7]);
  });

  it('gives an empty migration no steps', () => {
    expect(planOf('-- nothing yet\n').steps).toEqual([]);
  });
});

describe('plan: timeouts', () => {
  it('uses the defaults, 2s and 1min, and the options', () => {
    expect(planOf('ALTER TABLE a ADD COLUMN x int;').steps[0]).toMatchObject({ lockTimeoutMs: 2000, statementTimeoutMs: 60_000 });
    expect(planOf('ALTER TABLE a ADD COLUMN x int;', { lockTimeout: '500ms', statementTimeout: '5min' }).steps[0]).toMatchObject({ lockTimeoutMs: 500, statementTimeoutMs: 300_000 });
  });

  it('turns the migration own SET lock_timeout / statement_timeout into step timeouts instead of running them', () => {
    const sql = "SET lock_timeout = '1s';\nALTER TABLE a ADD COLUMN x int;\nSET statement_timeout TO 30000;\nALTER TABLE a ADD COLUMN y int;\nRESET lock_timeout;\nCREATE TABLE c (id int);";
    const p = planOf(sql);
    // One group: the statements after a changed setting carry their own values, applied with SET LOCAL.
    expect(p.steps).toHaveLength(1);
    const step = p.steps[0]!;
    expect([step.lockTimeoutMs, step.statementTimeoutMs]).toEqual([1000, 60_000]);
    expect(step.statements.map((s) => [s.index, s.lockTimeoutMs, s.statementTimeoutMs])).toEqual([
      [1, undefined, undefined],
      [3, undefined, 30_000],
      [5, 2000, 30_000],
    ]);
    expect(step.sql).not.toMatch(/SET (lock|statement)_timeout = '1s'/);
    expect(step.sql.split('\n')).toEqual([
      'BEGIN;',
      "SET LOCAL lock_timeout = '1000ms';",
      "SET LOCAL statement_timeout = '60000ms';",
      'ALTER TABLE a ADD COLUMN IF NOT EXISTS x int;',
      "SET LOCAL statement_timeout = '30000ms';",
      'ALTER TABLE a ADD COLUMN IF NOT EXISTS y int;',
      "SET LOCAL lock_timeout = '2000ms';",
      "SET LOCAL statement_timeout = '30000ms';",
      'CREATE TABLE IF NOT EXISTS c (id int);',
      'COMMIT;',
    ]);
    expect(p.notes.map((n) => n.line)).toEqual([1, 3, 5]);
  });

  it('scopes SET LOCAL to its block, and never lets lock_timeout = 0 unbound a lock wait', () => {
    const sql = "BEGIN;\nSET LOCAL lock_timeout = '300ms';\nALTER TABLE a ADD COLUMN x int;\nCOMMIT;\nSET lock_timeout = 0;\nALTER TABLE a ADD COLUMN y int;";
    const p = planOf(sql);
    expect(p.steps.map((s) => s.lockTimeoutMs)).toEqual([300, 2000]);
    expect(p.notes.find((n) => n.line === 5)?.message).toMatch(/lock_timeout = 0 is ignored/);
  });

  it('gives long non-blocking steps the long timeouts whatever the migration set', () => {
    const sql = "SET statement_timeout = '5s';\nCREATE INDEX CONCURRENTLY i ON a (x);\nALTER TABLE a ADD COLUMN y int;";
    const p = planOf(sql, { longStatementTimeout: '2h' });
    expect(p.steps.map((s) => [s.kind, s.long, s.lockTimeoutMs, s.statementTimeoutMs])).toEqual([
      ['create-index-concurrently', true, 0, 7_200_000],
      ['transaction', false, 2000, 5000],
    ]);
    // A blocking variant (VACUUM FULL takes ACCESS EXCLUSIVE) keeps the normal ones.
    expect(planOf('VACUUM FULL a;').steps[0]).toMatchObject({ kind: 'vacuum', long: false, lockTimeoutMs: 2000 });
  });
});

describe('plan: locks, pre-flight and re-runs', () => {
  it('lists the table locks of each step and checks for blockers only on existing tables', () => {
    const p = planOf('CREATE TABLE c (id int PRIMARY KEY, a_id int REFERENCES a (id));\nALTER TABLE c ADD COLUMN n text;\nALTER TABLE b ADD COLUMN n text;');
    const step = p.steps[0]!;
    expect(step.targets.map((t) => [t.table.key, t.mode, t.newTable])).toEqual([
      ['public.a', 'SHARE ROW EXCLUSIVE', false],
      ['public.c', 'ACCESS EXCLUSIVE', true],
      ['public.b', 'ACCESS EXCLUSIVE', false],
    ]);
    expect(step.preflight).toBe(true);
    expect(planOf('CREATE TABLE c (id int);\nALTER TABLE c ADD COLUMN n text;').steps[0]!.preflight).toBe(false);
  });

  it('adds IF NOT EXISTS / IF EXISTS where PostgreSQL has them, and keeps the rest as written', () => {
    const sql = [
      'CREATE INDEX CONCURRENTLY a_x_idx ON a USING btree (lower(x)) WHERE deleted_at IS NULL;',
      'CREATE INDEX CONCURRENTLY ON a (y);',
      'DROP INDEX CONCURRENTLY a_old_idx;',
      "ALTER TABLE a ADD COLUMN n text DEFAULT 'x' NOT NULL, DROP COLUMN o, DROP CONSTRAINT a_chk, ALTER COLUMN p SET NOT NULL;",
      "ALTER TYPE mood ADD VALUE 'meh' BEFORE 'sad';",
      'CREATE TABLE t (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);',
      'CREATE SEQUENCE s;',
      'ALTER TABLE a RENAME COLUMN q TO r;',
    ].join('\n');
    const statements = planOf(sql).steps.flatMap((s) => s.statements);
    expect(statements.map((s) => [s.sql, s.added])).toEqual([
      // Regenerated from the AST (and checked by parsing it back): the same statement, spelled the deparser's way.
      ['CREATE INDEX CONCURRENTLY IF NOT EXISTS a_x_idx ON a ((lower(x))) WHERE deleted_at IS NULL', 'IF NOT EXISTS'],
      ['CREATE INDEX CONCURRENTLY ON a (y)', undefined],
      ['DROP INDEX CONCURRENTLY IF EXISTS a_old_idx', 'IF EXISTS'],
      [
        "ALTER TABLE a ADD COLUMN IF NOT EXISTS n text DEFAULT 'x' NOT NULL, DROP COLUMN IF EXISTS o RESTRICT, DROP CONSTRAINT IF EXISTS a_chk RESTRICT, ALTER COLUMN p SET NOT NULL",
        'ADD COLUMN IF NOT EXISTS, DROP COLUMN IF EXISTS, DROP CONSTRAINT IF EXISTS',
      ],
      ["ALTER TYPE mood ADD VALUE IF NOT EXISTS 'meh' BEFORE 'sad'", 'IF NOT EXISTS'],
      ['CREATE TABLE IF NOT EXISTS t (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY)', 'IF NOT EXISTS'],
      ['CREATE SEQUENCE IF NOT EXISTS s', 'IF NOT EXISTS'],
      ['ALTER TABLE a RENAME COLUMN q TO r', undefined],
    ]);
    expect(planOf(sql, { robust: false }).steps.flatMap((s) => s.statements).every((s) => s.sql === s.text && !s.added)).toBe(true);
  });

  it('says whether a concurrent build is sent with IF NOT EXISTS, from the statement, not its text', () => {
    const flag = (sql: string, options: PlanOptions = {}) => planOf(sql, options).steps[0]!.indexCleanup?.ifNotExists;
    expect(flag('CREATE INDEX CONCURRENTLY IF NOT EXISTS a_x_idx ON a (x);', { robust: false })).toBe(true);
    expect(flag('CREATE INDEX CONCURRENTLY a_x_idx ON a (x);', { robust: false })).toBe(false);
    // A predicate that merely spells the words is no IF NOT EXISTS.
    expect(flag("CREATE INDEX CONCURRENTLY a_x_idx ON a (x) WHERE note <> 'if not exists';", { robust: false })).toBe(false);
    // The planner adds it to a named index when it makes statements re-runnable.
    expect(flag('CREATE INDEX CONCURRENTLY a_x_idx ON a (x);')).toBe(true);
  });

  it('marks concurrent builds for INVALID-index cleanup', () => {
    const p = planOf('CREATE INDEX CONCURRENTLY a_x_idx ON s.a (x);\nREINDEX INDEX CONCURRENTLY a_y_idx;\nREINDEX TABLE CONCURRENTLY a;');
    expect(p.steps.map((s) => s.indexCleanup)).toEqual([
      { table: expect.objectContaining({ key: 's.a' }), index: { schema: 's', name: 'a_x_idx' }, reindex: false, ifNotExists: true },
      { index: { name: 'a_y_idx' }, reindex: true },
      { table: expect.objectContaining({ key: 'public.a' }), reindex: true },
    ]);
  });

  it('takes the retry settings from the options', () => {
    expect(planOf('ALTER TABLE a ADD COLUMN x int;', { retries: 3, retryBudget: '20s' }).steps[0]!.retry).toEqual({ retries: 3, budgetMs: 20_000 });
    expect(() => planOf('SELECT 1', { retries: -1 })).toThrow(/retries/);
  });
});

describe('formatPlan', () => {
  it('prints each step with its timeouts, locks, retries and the exact SQL it sends', () => {
    const sql = [
      "SET lock_timeout = '500ms';",
      'ALTER TABLE orders ADD COLUMN shipped_at timestamptz;',
      'CREATE INDEX CONCURRENTLY orders_shipped_at_idx ON orders (shipped_at);',
      'ALTER TABLE orders ADD CONSTRAINT orders_shipped_chk CHECK (shipped_at > created_at) NOT VALID;',
      'ALTER TABLE orders VALIDATE CONSTRAINT orders_shipped_chk;',
    ].join('\n');
    expect(formatPlan(planOf(sql, { pgVersion: 15 }))).toMatchSnapshot();
  });
});

describe('durations', () => {
  it('reads PostgreSQL timeout values and prints them back short', () => {
    expect([500, '500', '500ms', '2s', '1.5s', '1min', '1 h', '0', '250us'].map(parseDuration)).toEqual([500, 500, 500, 2000, 1500, 60_000, 3_600_000, 0, 0]);
    expect(() => parseDuration('2 seconds')).toThrow(/expected a number with a unit among us, ms, s, min, h, d/);
    expect(() => parseDuration(-1)).toThrow();
    expect([0, 250, 1500, 60_000, 90_000, 7_200_000].map(formatDuration)).toEqual(['none', '250ms', '1.5s', '1min', '1.5min', '2h']);
  });
});
