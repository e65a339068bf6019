import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runNode, type ProcessResult } from './process.js';

/** The built CLI: end-to-end tests run what users run. */
export const PGSAFE_BIN = fileURLToPath(new URL('../../packages/cli/dist/bin.js', import.meta.url));

export function assertCliBuilt(): void {
  if (!existsSync(PGSAFE_BIN)) throw new Error('packages/cli is not built: run `pnpm build` (the root `pnpm test` does it)');
}

/** The test runner's environment without the variables that change pgsafe's output (colors, DATABASE_URL), unless
 *  `set` sets them. */
function cliEnv(set: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...set };
  for (const name of ['NO_COLOR', 'FORCE_COLOR', 'DATABASE_URL']) if (!(name in set)) delete env[name];
  return env;
}

/** Runs `pgsafe args...` to its end, in that environment. */
export function pgsafe(args: string[], options: { env?: Record<string, string | undefined>; cwd?: string } = {}): Promise<ProcessResult> {
  return runNode([PGSAFE_BIN, ...args], { env: cliEnv(options.env), ...(options.cwd ? { cwd: options.cwd } : {}) });
}

/** The same, synchronously, with `input` on its stdin: for tests that need no database session running meanwhile. */
export function pgsafeSync(args: string[], options: { env?: Record<string, string | undefined>; cwd?: string; input?: string } = {}): ProcessResult {
  const r = spawnSync(process.execPath, [PGSAFE_BIN, ...args], { input: options.input, cwd: options.cwd, encoding: 'utf8', env: cliEnv(options.env) });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Writes `text` to `dir/name`, creating folders, and gives its path. */
export function writeIn(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
}
