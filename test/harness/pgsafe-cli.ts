import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runNode, type ProcessResult } from './process.js';

/** The built CLI: end-to-end tests run what users run. */
export const PGSAFE_BIN = fileURLToPath(new URL('../../packages/cli/dist/bin.js', import.meta.url));

export function assertCliBuilt(): void {
  if (!existsSync(PGSAFE_BIN)) throw new Error('packages/cli is not built: run `pnpm build` (the root `pnpm test` does it)');
}

/** Runs `pgsafe args...` to its end. The variables that change its output (colors, DATABASE_URL) are removed from the
 *  test runner's environment unless `env` sets them. */
export function pgsafe(args: string[], options: { env?: Record<string, string | undefined>; cwd?: string } = {}): Promise<ProcessResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  for (const name of ['NO_COLOR', 'FORCE_COLOR', 'DATABASE_URL']) if (!(options.env && name in options.env)) delete env[name];
  return runNode([PGSAFE_BIN, ...args], { env, ...(options.cwd ? { cwd: options.cwd } : {}) });
}

/** Writes `text` to `dir/name`, creating folders, and gives its path. */
export function writeIn(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
}
