import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../inputs.js';

export type ModuleFormat = 'ts' | 'esm' | 'cjs';
export type PackageManager = 'npm' | 'pnpm' | 'yarn';

/** The project `pgsafe init` sets up: its package.json as written (to keep its layout), module format and package
 *  manager. */
export interface Project {
  dir: string;
  packageJson: { text: string; data: { type?: string; scripts?: Record<string, string>; dependencies?: Record<string, string>; devDependencies?: Record<string, string> } };
  format: ModuleFormat;
  packageManager: PackageManager;
}

export function readProject(dir: string): Project {
  const path = join(dir, 'package.json');
  if (!existsSync(path)) throw new UsageError(`no package.json in ${dir}: run pgsafe init in your project's root`);
  const text = readFileSync(path, 'utf8');
  let data: Project['packageJson']['data'];
  try {
    data = JSON.parse(text) as Project['packageJson']['data'];
  } catch (error) {
    throw new UsageError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  const deps = dependencies({ text, data });
  // TypeScript projects get a typed pgsafe.config.ts (loaded through jiti); JavaScript ones their own module syntax.
  const format: ModuleFormat = deps.has('typescript') || existsSync(join(dir, 'tsconfig.json')) ? 'ts' : data.type === 'module' ? 'esm' : 'cjs';
  const packageManager: PackageManager = existsSync(join(dir, 'pnpm-lock.yaml')) ? 'pnpm' : existsSync(join(dir, 'yarn.lock')) ? 'yarn' : 'npm';
  return { dir, packageJson: { text, data }, format, packageManager };
}

/** Every package the project depends on (dependencies and devDependencies). */
export function dependencies(pkg: Project['packageJson']): Set<string> {
  return new Set([...Object.keys(pkg.data.dependencies ?? {}), ...Object.keys(pkg.data.devDependencies ?? {})]);
}

/** package.json with `scripts` set, in the file's own indentation and line ending. */
export function withScripts(pkg: Project['packageJson'], scripts: Record<string, string>): string {
  const indent = /^[ \t]+(?=")/m.exec(pkg.text)?.[0] ?? '  ';
  const eol = pkg.text.includes('\r\n') ? '\r\n' : '\n';
  const json = JSON.stringify({ ...pkg.data, scripts }, null, indent);
  return `${json.replace(/\n/g, eol)}${eol}`;
}

export function installCommand(pm: PackageManager, packages: string[]): string {
  const list = packages.join(' ');
  return pm === 'pnpm' ? `pnpm add --save-dev ${list}` : pm === 'yarn' ? `yarn add --dev ${list}` : `npm install --save-dev ${list}`;
}
