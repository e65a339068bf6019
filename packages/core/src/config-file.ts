import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadModule } from './load-module.js';
import { ConfigError, validateConfig, type PgsafeConfig } from './config.js';

const NAMES = ['pgsafe.config.ts', 'pgsafe.config.mts', 'pgsafe.config.json', 'pgsafe.config.mjs', 'pgsafe.config.js'];

/** The nearest pgsafe.config.* from `cwd` upward (or `explicit`), loaded and validated; `{}` when there is none. */
export async function loadConfig(cwd: string, explicit?: string): Promise<{ config: PgsafeConfig; file?: string }> {
  const file = explicit ? resolve(cwd, explicit) : findUp(cwd);
  if (!file) return { config: {} };
  if (!existsSync(file)) throw new ConfigError(file, 'no such file');
  let value: unknown;
  if (file.endsWith('.json')) {
    try {
      value = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new ConfigError(file, `not valid JSON: ${(error as Error).message}`);
    }
  } else {
    try {
      value = (await settles(loadModule(file))).default;
    } catch (error) {
      throw new ConfigError(file, `could not be loaded: ${(error as Error).message}`);
    }
  }
  return { config: validateConfig(value, file), file };
}

/** A module whose top-level await never settles would let the process exit silently (exit 0, no output) once nothing
 *  else is pending: that moment ('beforeExit') is the error. */
function settles<T>(loading: Promise<T>): Promise<T> {
  let onBeforeExit: () => void;
  const stuck = new Promise<never>((_, reject) => {
    onBeforeExit = () => reject(new Error('it never finished loading (a top-level await or exported promise that never settles)'));
    process.once('beforeExit', onBeforeExit);
  });
  return Promise.race([loading, stuck]).finally(() => process.off('beforeExit', onBeforeExit));
}

function findUp(from: string): string | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const found = NAMES.map((n) => join(dir, n)).find((p) => existsSync(p));
    if (found) return found;
    if (dirname(dir) === dir) return undefined;
  }
}
