/** The ORM guards' concurrent index builds on a real server, with another real session building the same index: the
 *  guard waits for a build that is not its own and does not take its half-built index for the one asked for, and an
 *  existing index of another definition stops IF NOT EXISTS from skipping the build. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { holdLock, seedRows, useTestDatabase, waitUntilWaitingOnLock, type HeldLock } from '@pgsafe/testing';
import { MigrationGuard } from '../guard/guard.js';
import type { GuardEvent } from '../guard/types.js';

const db = useTestDatabase('index_build_checks');
let client: pg.Client;
let events: GuardEvent[];
let writer: HeldLock | undefined;

function guard() {
  const g = new MigrationGuard({
    config: { run: { lockTimeout: '200ms', retryBudget: '30s' } },
    policy: { lockTimeoutRamp: [1], baseDelayMs: 50, maxDelayMs: 100, jitter: 0, preflight: { mode: 'off', pollMs: 25 } },
    onEvent: (e) => events.push(e),
  });
  g.beginMigration('20240101_index_email');
  return g;
}

/** The ORM sending `sql` in autocommit through the guard, as the knex and TypeORM adapters do. */
const send = (g: MigrationGuard, sql: string) => g.execute(sql, { inTransaction: false, query: (text, params) => client.query(text, params) }, () => client.query(sql));

async function indexState(name: string): Promise<{ valid: boolean; definition: string } | undefined> {
  const { rows } = await db.current.query<{ valid: boolean; definition: string }>('SELECT indisvalid AS valid, pg_get_indexdef(indexrelid) AS definition FROM pg_index WHERE indexrelid = to_regclass($1)', [name]);
  return rows[0];
}

/** Another application's session building `sql`, waiting behind the writer's open transaction. */
async function otherBuild(sql: string): Promise<{ pid: number; done: Promise<unknown> }> {
  const other = await db.current.connect({ applicationName: 'other-deploy' });
  const done = other.query(sql).then(
    () => 'built',
    (e: Error) => e.message,
  ).finally(() => other.end());
  const { pid } = await waitUntilWaitingOnLock(db.current.url, 'other-deploy', 30_000);
  return { pid, done };
}

beforeEach(async () => {
  events = [];
  await db.current.query('DROP TABLE IF EXISTS users CASCADE');
  await db.current.query('CREATE TABLE users (id int PRIMARY KEY, email text)');
  await seedRows(db.current, 'users', 20_000, { id: 'i', email: "'u' || i || '@example.com'" });
  client = await db.current.connect({ applicationName: 'orm' });
  writer = await holdLock(db.current.url, ["INSERT INTO users VALUES (100001, 'writer')"], 'app-writer');
});

afterEach(async () => {
  await writer?.release('rollback');
  await client.end();
});

const said = (type: string) => events.flatMap((e) => (e.type === type && 'message' in e ? [e.message] : []));

describe('the guard around CREATE INDEX CONCURRENTLY', () => {
  it('another session is building the index: waits for it; its build cancelled, the INVALID index it left is dropped and built again VALID', async () => {
    const other = await otherBuild('CREATE INDEX CONCURRENTLY users_email_idx ON users (email)');
    const g = guard();
    const sent = send(g, 'CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email)');
    // The guard sees the other build and waits instead of letting IF NOT EXISTS skip its half-built index.
    for (let i = 0; i < 200 && !events.some((e) => e.type === 'orphaned-build'); i++) await new Promise((r) => setTimeout(r, 25));
    expect(events.find((e) => e.type === 'orphaned-build')).toMatchObject({ pid: other.pid, applicationName: 'other-deploy', action: 'wait', index: 'public.users_email_idx' });
    await db.current.query('SELECT pg_cancel_backend($1)', [other.pid]);
    expect(await other.done).toBe('canceling statement due to user request');
    await writer!.release('rollback');
    await sent;
    expect(events.filter((e) => e.type === 'invalid-index-dropped').map((e) => e.type === 'invalid-index-dropped' && e.index)).toEqual(['public.users_email_idx']);
    expect(await indexState('users_email_idx')).toMatchObject({ valid: true });
  });

  it("another session's build that succeeds: IF NOT EXISTS skips the index it built, which has the definition asked for, and says so", async () => {
    const other = await otherBuild('CREATE INDEX CONCURRENTLY users_email_idx ON users (email)');
    const sent = send(guard(), 'CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email)');
    for (let i = 0; i < 200 && !events.some((e) => e.type === 'orphaned-build'); i++) await new Promise((r) => setTimeout(r, 25));
    await writer!.release('rollback');
    expect(await other.done).toBe('built');
    await sent;
    expect(said('warning')).toEqual(['public.users_email_idx exists (VALID, the definition asked for): IF NOT EXISTS skips the build']);
    expect(await indexState('users_email_idx')).toMatchObject({ valid: true });
  });

  it('a VALID index of the name with another definition: the build is not sent, the error names both', async () => {
    await writer!.release('rollback');
    await db.current.query('CREATE INDEX users_email_idx ON users (id)');
    const error = await send(guard(), 'CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email)').then(() => undefined, (e: Error) => e.message);
    expect(error).toBe(
      'pgsafe did not send this statement: an index named public.users_email_idx already exists with another definition (CREATE INDEX users_email_idx ON public.users USING btree (id)); IF NOT EXISTS would skip this build. Drop or rename the existing index, or give the new one another name',
    );
    expect(await indexState('users_email_idx')).toMatchObject({ definition: 'CREATE INDEX users_email_idx ON public.users USING btree (id)' });
  });
});
