/** Indexes of a partitioned table on real PostgreSQL: PostgreSQL refuses CONCURRENTLY there, so the fix builds the
 *  parent's index ON ONLY and each partition's index one at a time (partitions found at run time, as those a
 *  function creates), and ends with the indexes, names included, that CREATE INDEX on the parent gives. */
import { beforeAll, describe, expect, it } from 'vitest';
import { adminUrl, createTestDatabase, steadyQueries } from '@pgsafe/testing';
import { loadParser, parseMigration } from '../parse.js';
import { plan } from '../plan/plan.js';
import { execute } from '../execute/execute.js';
import { fix } from './fix.js';
import { historySchema } from './history-schema.js';
import { renderRunFiles } from './render.js';
import { verifyFix } from './verify.js';

beforeAll(() => loadParser());

// The partitions are made by dynamic SQL, as a partition-maintenance function makes them: the migrations do not
// show them. One is partitioned again, one already has an index of its own.
const EARLIER = parseMigration(
  `CREATE TABLE events (tenant_id int NOT NULL, seen_at date NOT NULL, key text, PRIMARY KEY (tenant_id, seen_at)) PARTITION BY RANGE (seen_at);
CREATE INDEX events_tenant_idx ON events (tenant_id);
DO $$ BEGIN
  EXECUTE 'CREATE TABLE events_2026_01 PARTITION OF events FOR VALUES FROM (''2026-01-01'') TO (''2026-02-01'')';
  EXECUTE 'CREATE TABLE events_2026_02 PARTITION OF events FOR VALUES FROM (''2026-02-01'') TO (''2026-03-01'')';
  EXECUTE 'CREATE TABLE events_2026_03 PARTITION OF events FOR VALUES FROM (''2026-03-01'') TO (''2026-04-01'') PARTITION BY HASH (tenant_id)';
  EXECUTE 'CREATE TABLE events_2026_03_a PARTITION OF events_2026_03 FOR VALUES WITH (MODULUS 2, REMAINDER 0)';
  EXECUTE 'CREATE TABLE events_2026_03_b PARTITION OF events_2026_03 FOR VALUES WITH (MODULUS 2, REMAINDER 1)';
  EXECUTE 'CREATE INDEX events_2026_02_key_local ON events_2026_02 (key)';
END $$;`,
  'earlier.sql',
);
const SEED = `INSERT INTO events SELECT i % 50, DATE '2026-01-01' + (i % 89), 'k' || (i % 7) FROM generate_series(1, 3000) i;`;

function fixInHistory(sql: string) {
  const migration = parseMigration(sql, 'm.sql');
  return { migration, result: fix(migration, { pgVersion: 15, schema: historySchema([EARLIER], migration) }) };
}

describe('an index of a partitioned table', () => {
  it.each([
    ['a partial index (a % in its predicate)', `CREATE INDEX events_key_idx ON events (tenant_id, key) WHERE key <> '%';`],
    ['a unique index', 'CREATE UNIQUE INDEX "events key" ON events (tenant_id, seen_at, key);'],
    ['an index one partition already has under a name of its own', 'CREATE INDEX events_key_idx ON events (key);'],
  ])('%s: ON ONLY, then each partition built and attached; the end state is the original one', async (_, sql) => {
    const { migration, result } = fixInHistory(sql);
    const all = result.steps.map((s) => s.sql).join('\n');
    expect(all).toContain(' ON ONLY events ');
    expect(all).not.toContain('CONCURRENTLY');
    expect(result.unfixed).toEqual([]);
    expect(await verifyFix(migration, result, { adminUrl: adminUrl(), earlier: [EARLIER], seed: SEED })).toEqual({ status: 'equal' });
  });

  it('DROP INDEX stays as written (no CONCURRENTLY for a partitioned index), with a to-do saying why', async () => {
    const { migration, result } = fixInHistory('DROP INDEX events_tenant_idx;');
    expect(result.steps.map((s) => s.sql).join('\n')).toMatch(/^DROP INDEX events_tenant_idx;$/m);
    expect(result.todos.map((t) => t.message)).toEqual([expect.stringContaining('events_tenant_idx belongs to a partitioned table')]);
    expect(await verifyFix(migration, result, { adminUrl: adminUrl(), earlier: [EARLIER], seed: SEED })).toEqual({ status: 'equal' });
  });

  it('runs as pgsafe run runs it while another session keeps writing, and a rerun after it changes nothing', async () => {
    const db = await createTestDatabase('fix_partitioned');
    try {
      for (const stmt of EARLIER.statements) await db.query(stmt.text);
      await db.query(SEED);
      const { result } = fixInHistory('CREATE INDEX events_key_idx ON events (lower(key));');
      let i = 0;
      const writer = await steadyQueries(db.url, () => `INSERT INTO events VALUES (${1000 + (i++ % 50)}, DATE '2026-01-01' + ${i % 89}, 'w') ON CONFLICT DO NOTHING`, { applicationName: 'pgsafe-test-writer' });
      const [file] = renderRunFiles(result);
      const run = () => execute(plan(parseMigration(file!.sql, file!.path), { pgVersion: 15 }), { connectionString: db.url });
      const first = await run();
      const traffic = await writer.stop();
      expect(first.status, JSON.stringify(first.error)).toBe('completed');
      expect(traffic.errors).toEqual([]);
      expect(traffic.count).toBeGreaterThan(0);
      // Every leaf partition has its index, attached, and the parent's index is valid.
      const { rows } = await db.query<{ valid: boolean; parts: number }>(
        `SELECT i.indisvalid AS valid, (SELECT count(*)::int FROM pg_inherits WHERE inhparent = 'events_key_idx'::regclass) AS parts FROM pg_index i WHERE i.indexrelid = 'events_key_idx'::regclass`,
      );
      expect(rows).toEqual([{ valid: true, parts: 3 }]);
      const count = async () => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_class WHERE relkind IN ('i', 'I') AND relname LIKE 'events%key%'`)).rows[0]!.n;
      const before = await count();
      expect((await run()).status).toBe('completed');
      expect(await count()).toBe(before);
    } finally {
      await db.drop();
    }
  });
});
