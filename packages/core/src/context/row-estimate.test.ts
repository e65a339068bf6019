/** The planner's row estimate judges a backfill in the transaction of a DDL (backfill-in-schema-migration) by the rows
 *  it changes, not by the table's size: on a real server with rows, in the guard's transaction (a column added
 *  earlier in it exists) and before a deploy runs (`pgsafe run`, `prisma migrate deploy`: autocommit). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { seedRows, useTestDatabase } from '@pgsafe/testing';
import { MigrationGuard } from '../guard/guard.js';
import { UnsafeMigrationError } from '../guard/unsafe-migration-error.js';
import type { GuardEvent } from '../guard/types.js';
import { loadParser, parseMigration } from '../parse.js';
import { DeployBatch } from './deploy-batch.js';
import { liveContext } from './table-sizes.js';

const db = useTestDatabase('row-estimate');
let client: pg.Client;
let events: GuardEvent[];
/** Small enough to keep the test fast; 20,000 rows are "large" at it. */
const largeTableRows = 10_000;

beforeEach(async () => {
  events = [];
  await db.current.query('DROP TABLE IF EXISTS accounts, drafts CASCADE');
  // 20,000 accounts: 5 'closed', the rest 'open'; analyzed, so the planner knows the spread.
  await db.current.query('CREATE TABLE accounts (id bigint PRIMARY KEY, status text NOT NULL)');
  await seedRows(db.current, 'accounts', 20_000, { id: 'i', status: "CASE WHEN i <= 5 THEN 'closed' ELSE 'open' END" });
  await db.current.query('ANALYZE accounts');
  await db.current.query('CREATE TABLE drafts (id bigint PRIMARY KEY, status text NOT NULL)');
  await db.current.query('ANALYZE drafts');
  client = await db.current.connect({ applicationName: 'orm' });
});

afterEach(async () => {
  await client.end();
});

/** One migration through the guard inside the ORM's transaction: DDL that blocks traffic, then the data change. */
async function guarded(update: string): Promise<unknown> {
  const g = new MigrationGuard({ config: { run: { largeTableRows } }, policy: { preflight: { mode: 'off' } }, onEvent: (e) => events.push(e) });
  const session = { inTransaction: true, query: (sql: string, params?: unknown[]) => client.query(sql, params) };
  g.beginMigration('20240301_close_accounts');
  await client.query('BEGIN');
  try {
    for (const sql of ['ALTER TABLE accounts ADD COLUMN closed_at timestamptz', update]) await g.execute(sql, session, () => client.query(sql));
    return undefined;
  } catch (error) {
    return error;
  } finally {
    g.endMigration();
    await client.query('ROLLBACK');
  }
}

const passedReasons = () => events.flatMap((e) => (e.type === 'passed' && e.finding.rule === 'backfill-in-schema-migration' ? [e.reason] : []));

describe('backfill-in-schema-migration judged by the planner (guard, in its transaction)', () => {
  it('lets through an UPDATE whose non-key WHERE matches few rows of a large table, with the estimate', async () => {
    expect(await guarded("UPDATE accounts SET closed_at = now() WHERE status = 'closed'")).toBeUndefined();
    const [reason] = passedReasons();
    expect(reason).toMatch(/^the planner estimates ~\d rows? changed by this UPDATE \(EXPLAIN; accounts has ~20,000 rows \(estimate, pg_class\.reltuples\)\): no more than one batch of 1,000 rows$/);
    // It ran, in the transaction that added the column (the EXPLAIN's savepoint left it usable).
    expect(events.filter((e) => e.type === 'statement').length).toBeGreaterThan(0);
  });

  it('refuses the same UPDATE when its WHERE matches every row, with the estimate', async () => {
    const error = await guarded("UPDATE accounts SET closed_at = now() WHERE status = 'open'");
    expect(error).toBeInstanceOf(UnsafeMigrationError);
    const finding = (error as UnsafeMigrationError).findings.find((f) => f.rule === 'backfill-in-schema-migration')!;
    expect(finding.live?.map((l) => l.text).join('\n')).toMatch(/the planner estimates ~19,99\d rows changed by this UPDATE \(EXPLAIN; accounts has ~20,000 rows .*\): at or above the large-table threshold of 10,000 rows/);
  });

  it('keeps the text judgement for a WHERE on the column just added (no statistics: the planner would guess 0.5%)', async () => {
    const error = await guarded('UPDATE accounts SET closed_at = now() WHERE closed_at IS NULL');
    expect(error).toBeInstanceOf(UnsafeMigrationError);
    const finding = (error as UnsafeMigrationError).findings.find((f) => f.rule === 'backfill-in-schema-migration')!;
    const text = finding.live?.map((l) => l.text).join('\n') ?? '';
    expect(text).not.toContain('planner');
    expect(text).toContain('accounts has ~20,000 rows');
  });

  it('lets the backfill of an empty table through by its size (0 rows), whatever its WHERE', async () => {
    const g = new MigrationGuard({ config: { run: { largeTableRows } }, policy: { preflight: { mode: 'off' } }, onEvent: (e) => events.push(e) });
    const session = { inTransaction: true, query: (sql: string, params?: unknown[]) => client.query(sql, params) };
    g.beginMigration('20240302_drafts');
    await client.query('BEGIN');
    for (const sql of ['ALTER TABLE drafts ADD COLUMN note text', "UPDATE drafts SET note = 'x' WHERE status = 'open'"]) await g.execute(sql, session, () => client.query(sql));
    await client.query('ROLLBACK');
    expect(passedReasons()).toEqual(['drafts has 0 rows (exact count)']);
  });
});

describe('backfill-in-schema-migration judged by the planner before a deploy (pgsafe run, prisma migrate deploy)', () => {
  const judge = async (sql: string) => {
    await loadParser();
    const batch = new DeployBatch({ largeTableRows, ...liveContext((q, p) => client.query(q, p), largeTableRows) });
    return batch.judge('20240303_close', parseMigration(sql, '20240303_close/migration.sql'), { pgVersion: 15, implicitTransaction: true });
  };

  it('uses the estimate where the statement plans on the live schema, and the text judgement where it cannot (a column the migration adds)', async () => {
    const few = await judge("ALTER TABLE accounts ALTER COLUMN status SET DEFAULT 'open';\nDELETE FROM accounts WHERE status = 'closed';");
    expect(few.findings.filter((f) => f.rule === 'backfill-in-schema-migration')).toEqual([]);
    expect(few.passed.map((p) => p.reason)).toContainEqual(expect.stringMatching(/^the planner estimates ~\d rows? changed by this DELETE/));
    const all = await judge("ALTER TABLE accounts ALTER COLUMN status SET DEFAULT 'open';\nDELETE FROM accounts WHERE status = 'open';");
    expect(all.findings.find((f) => f.rule === 'backfill-in-schema-migration')?.severity).toBe('error');
    // The column does not exist before the deploy: EXPLAIN fails, and the text judges (the table's size).
    const added = await judge("ALTER TABLE accounts ADD COLUMN region text;\nUPDATE accounts SET status = 'moved' WHERE region = 'eu';");
    const finding = added.findings.find((f) => f.rule === 'backfill-in-schema-migration');
    expect(finding?.severity).toBe('error');
    expect(finding?.live?.map((l) => l.text).join('\n')).not.toContain('planner');
    // The session's lock_timeout is as it was (the EXPLAIN's own was restored).
    expect((await client.query("SELECT current_setting('lock_timeout') AS t")).rows[0].t).toBe('0');
  });
});
