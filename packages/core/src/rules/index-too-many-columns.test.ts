import { describe, expect, it } from 'vitest';
import { seedRows, useTestDatabase } from '@pgsafe/testing';
import { rendered as renderedWith, ruleFindings as anyFindings } from '../testing/rule-kit.js';

const ID = 'index-too-many-columns';
// Opt-in (issue 22): its tests turn it on, as `--rule index-too-many-columns` does.
const ON = { severities: { [ID]: 'warning' as const } };
const ruleFindings = (id: string, sql: string) => anyFindings(id, sql, ON);
const rendered = (id: string, sql: string) => renderedWith(id, sql, ON);
const SQL = 'CREATE INDEX CONCURRENTLY orders_search_idx ON orders (shop_id, status, created_at, currency, channel);';

describe(ID, () => {
  it('is opt-in: silent unless the config or --rule turns it on', async () => {
    expect(await anyFindings(ID, SQL)).toEqual([]);
    expect(await ruleFindings(ID, SQL)).toHaveLength(1);
  });

  it('warns about a non-unique B-tree index with more than three key columns', async () => {
    expect((await ruleFindings(ID, SQL)).map((f) => f.severity)).toEqual(['warning']);
    expect(await rendered(ID, SQL)).toMatchSnapshot();
  });

  it('accepts three columns, unique indexes and other access methods', async () => {
    expect(await ruleFindings(ID, 'CREATE INDEX CONCURRENTLY i ON orders (shop_id, status, created_at) INCLUDE (currency, channel);')).toEqual([]);
    expect(await ruleFindings(ID, 'CREATE UNIQUE INDEX CONCURRENTLY i ON lines (a, b, c, d);')).toEqual([]);
    expect(await ruleFindings(ID, 'CREATE INDEX CONCURRENTLY i ON docs USING gin (a, b, c, d);')).toEqual([]);
  });
});

describe(`${ID} on PostgreSQL`, () => {
  const db = useTestDatabase('wide_index');

  it('the five-column index is much larger than the three-column one with INCLUDE-free keys', async () => {
    await db.current.query('CREATE TABLE orders (id bigint, shop_id int, status text, created_at timestamptz, currency text, channel text)');
    await seedRows(db.current, 'orders', 20000, { id: 'i', shop_id: 'i % 50', status: "'paid'", created_at: 'now()', currency: "'EUR-' || (i % 7)", channel: "'web-channel-' || (i % 13)" });
    await db.current.query(SQL);
    await db.current.query('CREATE INDEX orders_narrow_idx ON orders (shop_id, status, created_at)');
    const { rows } = await db.current.query<{ wide: string; narrow: string }>(
      "SELECT pg_relation_size('orders_search_idx') AS wide, pg_relation_size('orders_narrow_idx') AS narrow",
    );
    expect(Number(rows[0]!.wide)).toBeGreaterThan(Number(rows[0]!.narrow) * 1.3);
  });
});
