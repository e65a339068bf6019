/** Expand and contract on real PostgreSQL: each deploy's file runs with pgsafe run's planner and executor, and the
 *  application version the plan says is running between deploys keeps working throughout. */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { columnsOf, seedRows, useTestDatabase } from '@pgsafe/testing';
import { loadParser, parseMigration } from '../parse.js';
import { plan } from '../plan/plan.js';
import { execute } from '../execute/execute.js';
import { analyze } from '../analyze.js';
import { fix } from './fix.js';
import { renderRunFiles } from './render.js';

const db = useTestDatabase('fix_expand', { each: true });
beforeAll(() => loadParser());
beforeEach(async () => {
  await db.current.query('CREATE TABLE users (id bigint PRIMARY KEY, name text)');
  await seedRows(db.current, 'users', 3_000, { id: 'i', name: "'user ' || i" });
});

async function runFile(sql: string): Promise<void> {
  // pgsafe run refuses a file with an error-level finding: the fixed files must pass their own check.
  expect(analyze(parseMigration(sql, 'deploy.sql'), { pgVersion: 15 }).filter((f) => f.severity === 'error').map((f) => f.rule)).toEqual([]);
  const result = await execute(plan(parseMigration(sql, 'deploy.sql'), { pgVersion: 15 }), { connectionString: db.current.url });
  expect(result.status, JSON.stringify(result.error)).toBe('completed');
}

/** A later deploy run without the earlier one: it must fail and change nothing. */
async function refusedAlone(sql: string, message: RegExp): Promise<void> {
  const result = await execute(plan(parseMigration(sql, 'deploy.sql'), { pgVersion: 15 }), { connectionString: db.current.url });
  expect(result.status).toBe('failed');
  expect(JSON.stringify(result.error)).toMatch(message);
}

describe('expand and contract', () => {
  it('renames a column over three deploys without breaking the version running in between', async () => {
    const result = fix(parseMigration('ALTER TABLE users RENAME COLUMN name TO full_name;', 'rename.sql'), { pgVersion: 15, batchSize: 500, pauseSeconds: 0 });
    expect(result.todos.map((t) => t.message)).toEqual([expect.stringContaining('write the type of users.name')]);
    const files = renderRunFiles(result).map((f) => f.sql.replace('<type of name>', 'text'));
    expect(files).toHaveLength(3);
    const oldApp = () => db.current.query(`INSERT INTO users (id, name) VALUES (nextval('ids'), 'old app') RETURNING name`);
    await db.current.query('CREATE SEQUENCE ids START 100000');

    // The last deploy alone (the first never ran) would drop the only copy of the names: it refuses.
    await refusedAlone(files[2]!, /users\.full_name \(the new column\) does not exist: the earlier deploy of this migration has not run/);
    expect(await columnsOf(db.current, 'users')).toEqual(['id', 'name']);

    await runFile(files[0]!);
    await oldApp(); // v1 still runs: it knows only name
    // v2 writes both, then deploy 2 copies the older rows.
    await db.current.query(`INSERT INTO users (id, name, full_name) VALUES (nextval('ids'), 'both', 'both')`);
    await runFile(files[1]!);
    expect((await db.current.query('SELECT count(*)::int AS n FROM users WHERE full_name IS DISTINCT FROM name')).rows).toEqual([{ n: 0 }]);
    // v3 uses only full_name; deploy 3 drops the old column.
    await runFile(files[2]!);
    expect(await columnsOf(db.current, 'users')).toEqual(['id', 'full_name']);
    expect((await db.current.query(`SELECT full_name FROM users WHERE id = 3000`)).rows).toEqual([{ full_name: 'user 3000' }]);
  });

  it('renames a table behind an updatable view, dropped in the next deploy', async () => {
    const files = renderRunFiles(fix(parseMigration('ALTER TABLE users RENAME TO customers;', 'rename.sql'), { pgVersion: 15 })).map((f) => f.sql);
    expect(files).toHaveLength(2);
    await runFile(files[0]!);
    // The version still running writes and reads the old name through the view.
    await db.current.query(`INSERT INTO users (id, name) VALUES (5000, 'through the view')`);
    expect((await db.current.query('SELECT name FROM customers WHERE id = 5000')).rows).toEqual([{ name: 'through the view' }]);
    await runFile(files[1]!);
    expect((await db.current.query(`SELECT count(*)::int AS n FROM pg_class WHERE relname = 'users'`)).rows).toEqual([{ n: 0 }]);
    expect((await db.current.query('SELECT count(*)::int AS n FROM customers')).rows).toEqual([{ n: 3001 }]);
  });

  it('changes a column type through a synced new column and a swap, and drops the old column a deploy later', async () => {
    await db.current.query('ALTER TABLE users ADD COLUMN score int');
    await db.current.query('UPDATE users SET score = id * 2');
    const result = fix(parseMigration('ALTER TABLE users ALTER COLUMN score TYPE bigint;', 'retype.sql'), { pgVersion: 15 });
    const files = renderRunFiles(result).map((f) => f.sql);
    expect(files).toHaveLength(2);
    // Deploy 2 alone does not "complete" as a no-op: deploy 1's type change has not happened.
    await refusedAlone(files[1]!, /users\.score_old \(the column before the type change\) does not exist/);
    await runFile(files[0]!);
    const { rows } = await db.current.query(`SELECT format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname = 'score'`);
    expect(rows).toEqual([{ type: 'bigint' }]);
    expect((await db.current.query('SELECT count(*)::int AS n FROM users WHERE score IS DISTINCT FROM id * 2')).rows).toEqual([{ n: 0 }]);
    await runFile(files[1]!);
    expect(await columnsOf(db.current, 'users')).toEqual(['id', 'name', 'score']);
  });

  it('drops a column only in the deploy after the application stopped using it', async () => {
    const result = fix(parseMigration('ALTER TABLE users DROP COLUMN name;', 'drop.sql'), { pgVersion: 15 });
    expect(result.deploys[1]!.before).toContain('stop using name');
    const files = renderRunFiles(result).map((f) => f.sql);
    await runFile(files[0]!);
    expect(await columnsOf(db.current, 'users')).toEqual(['id', 'name']);
    await runFile(files[1]!);
    expect(await columnsOf(db.current, 'users')).toEqual(['id']);
  });
});
