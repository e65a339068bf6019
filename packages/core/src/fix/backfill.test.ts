/** The batched backfill on real PostgreSQL: one transaction per batch (a cancelled run keeps the batches it
 *  committed and the next run resumes after them), progress as notices, and the planner runs it alone as a long
 *  step. */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { seedRows, useTestDatabase } from '@pgsafe/testing';
import { loadParser, parseMigration } from '../parse.js';
import { plan } from '../plan/plan.js';
import { nonTransactionalKind } from '../plan/classify.js';
import { fix } from './fix.js';
import { renderRunFiles } from './render.js';

const db = useTestDatabase('fix_backfill');
beforeAll(() => loadParser());
beforeEach(async () => {
  await db.current.query('DROP TABLE IF EXISTS events');
  await db.current.query('CREATE TABLE events (id bigint PRIMARY KEY, kind text NOT NULL)');
  await seedRows(db.current, 'events', 10_000, { id: 'i', kind: "'k' || (i % 7)" });
});

const backfill = (pauseSeconds: number) => {
  const result = fix(parseMigration('ALTER TABLE events ADD COLUMN source text NOT NULL;', 'm.sql'), { pgVersion: 15, values: { source: "upper(kind)" }, batchSize: 1000, pauseSeconds });
  return result.steps.find((s) => s.slug === 'backfill')!.sql;
};

describe('batched backfill', () => {
  it('commits batch by batch: cancelled half-way it keeps what it did, and the next run resumes and finishes', async () => {
    await db.current.query('ALTER TABLE events ADD COLUMN source text');
    const session = await db.current.connect({ applicationName: 'pgsafe-test-backfill' });
    const notices: string[] = [];
    session.on('notice', (n) => notices.push(n.message ?? ''));
    const pid = (await session.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    const running = session.query(backfill(0.2)).catch((e: { code?: string }) => e);
    // Let a few batches commit, then cancel the run as a crash or an operator would.
    const filled = async () => (await db.current.query<{ n: number }>('SELECT count(source)::int AS n FROM events')).rows[0]!.n;
    const deadline = Date.now() + 20_000;
    while ((await filled()) < 3000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await db.current.query('SELECT pg_cancel_backend($1)', [pid]);
    expect(((await running) as { code?: string }).code).toBe('57014');
    const kept = await filled();
    expect(kept).toBeGreaterThanOrEqual(3000);
    expect(kept).toBeLessThan(10_000);
    expect(notices[0]).toMatch(/^backfill events\.source: 1000 rows done, next key 1001$/);

    // Resumed: starts at the first row still NULL, so the first notice counts only new rows.
    notices.length = 0;
    await session.query(backfill(0));
    await session.end();
    expect(await filled()).toBe(10_000);
    expect(Number(/: (\d+) rows done/.exec(notices[0]!)![1])).toBeLessThanOrEqual(1000);
    expect(notices.at(-1)).toMatch(new RegExp(`: ${10_000 - kept} rows done, finished$`));
    // Progress at a steady interval, not a line per batch: the first batch, the end, and one per 5 s between.
    expect(notices.length).toBeLessThanOrEqual(3);
    const wrong = await db.current.query('SELECT id FROM events WHERE source <> upper(kind)');
    expect(wrong.rows).toEqual([]);
  });

  it('is planned as a step of its own, outside any transaction, with the long timeouts', () => {
    const steps = plan(parseMigration(renderRunFiles(fix(parseMigration('ALTER TABLE events ADD COLUMN source text NOT NULL;', 'm.sql'), { pgVersion: 15, values: { source: "'x'" } }))[0]!.sql, 'fixed.sql'), { pgVersion: 15 }).steps;
    expect(steps.map((s) => [s.kind, s.transactional, s.long])).toEqual([
      ['transaction', true, false],
      ['batched', false, true],
      ['transaction', true, false],
      ['validate-constraint', true, true],
      ['transaction', true, false],
    ]);
    expect(steps[1]!.statementTimeoutMs).toBe(0);
  });

  it('classifies only a DO block that COMMITs as batched, not one that mentions COMMIT in a comment or a string', () => {
    const kind = (sql: string) => nonTransactionalKind(parseMigration(sql, 'm.sql').statements[0]!, 15);
    expect(kind('DO $$ BEGIN UPDATE t SET a = 1; COMMIT; END $$;')).toBe('batched');
    expect(kind('DO $$ BEGIN FOR i IN 1..3 LOOP COMMIT; END LOOP; END $$;')).toBe('batched');
    expect(kind("DO $$ BEGIN RAISE NOTICE 'x; COMMIT;'; -- COMMIT;\nUPDATE t SET a = 1; END $$;")).toBeUndefined();
  });
});
