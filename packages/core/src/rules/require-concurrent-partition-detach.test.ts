import { describe, expect, it } from 'vitest';
import { serverMajor, useTestDatabase } from '@pgsafe/testing';
import { rendered, ruleFindings } from '../testing/rule-kit.js';
import { lockQueueScenario, recipeStatements } from '../testing/e2e.js';

const ID = 'require-concurrent-partition-detach';
const DETACH = 'ALTER TABLE measurements DETACH PARTITION measurements_2023;';

describe(ID, () => {
  it('warns about DETACH PARTITION without CONCURRENTLY on PG 14+', async () => {
    expect((await ruleFindings(ID, DETACH)).map((f) => f.severity)).toEqual(['warning']);
    expect(await rendered(ID, DETACH)).toMatchSnapshot();
    expect(await ruleFindings(ID, DETACH, { pgVersion: 13 })).toEqual([]);
  });

  it('accepts CONCURRENTLY', async () => {
    expect(await ruleFindings(ID, 'ALTER TABLE measurements DETACH PARTITION measurements_2023 CONCURRENTLY;')).toEqual([]);
  });
});

describe(`${ID} on PostgreSQL`, () => {
  const db = useTestDatabase('detach');

  it('a plain detach queues reads of the partitioned table behind a long query; the concurrent one does not', async () => {
    const major = await serverMajor(db.current.url);
    expect(major).toBeGreaterThanOrEqual(14);
    const setup = async () => {
      await db.current.query('DROP TABLE IF EXISTS measurements, measurements_2023, measurements_2024');
      await db.current.query('CREATE TABLE measurements (at date NOT NULL, v int) PARTITION BY RANGE (at)');
      await db.current.query("CREATE TABLE measurements_2023 PARTITION OF measurements FOR VALUES FROM ('2023-01-01') TO ('2024-01-01')");
      await db.current.query("CREATE TABLE measurements_2024 PARTITION OF measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')");
      await db.current.query("INSERT INTO measurements SELECT date '2023-01-01' + (i % 700), i FROM generate_series(1, 2000) i");
    };
    await setup();
    const plain = await lockQueueScenario(db.current, { table: 'measurements', statements: [DETACH], appSql: 'SELECT count(*) FROM measurements', blockerMs: 600 });
    expect(plain.app.ms).toBeGreaterThanOrEqual(500);
    await setup();
    const [finding] = await ruleFindings(ID, DETACH);
    const concurrent = await lockQueueScenario(db.current, { table: 'measurements', statements: await recipeStatements(finding!), appSql: 'SELECT count(*) FROM measurements', blockerMs: 600 });
    expect(concurrent.migrationError).toBeUndefined();
    expect(concurrent.app.ms).toBeLessThan(200);
  });
});
