import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** A project's module (a config file, an ORM migration): JavaScript through Node's loader, TypeScript through jiti
 *  (Node 20 cannot import .ts). Loaded afresh each time, so a changed file is read again. */
export async function loadModule(path: string): Promise<Record<string, unknown>> {
  // Absolute: a relative path would resolve against this module's own directory, not the working directory.
  const file = resolve(path);
  if (/\.[cm]?ts$/.test(file)) {
    const { createJiti } = await import('jiti');
    return createJiti(import.meta.url, { moduleCache: false }).import(file);
  }
  return import(pathToFileURL(file).href);
}

/** An export of a module loaded either way (CommonJS `exports.x` arrives as `default.x` through import()). */
export function exported<T = unknown>(mod: Record<string, unknown>, name: string): T | undefined {
  if (name in mod) return mod[name] as T;
  const fallback = mod.default as Record<string, unknown> | undefined;
  return fallback && typeof fallback === 'object' ? (fallback[name] as T | undefined) : undefined;
}

/** A JavaScript or TypeScript module (not a .d.ts) whose text matches `pattern`: how the ORM collectors tell their
 *  migration files from the rest of a directory without loading them. */
export function isModuleMatching(file: string, pattern: RegExp): boolean {
  if (!/\.[cm]?[jt]s$/.test(file) || /\.d\.[cm]?ts$/.test(file)) return false;
  try {
    return pattern.test(readFileSync(file, 'utf8'));
  } catch {
    return false;
  }
}
