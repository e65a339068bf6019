import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';

/** The root of the git work tree holding `cwd` (the nearest directory upward with a `.git`), if any. */
export function repositoryRoot(cwd = process.cwd()): string | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/** A checked file's path relative to the repository root, with forward slashes, wherever pgsafe ran from; undefined
 *  for a file outside the repository (or without one). */
export function inRepository(file: string, root: string | undefined, cwd = process.cwd()): string | undefined {
  if (!root) return undefined;
  const rel = relative(root, resolve(cwd, file));
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? undefined : rel.split('\\').join('/');
}

/** The path annotations and code scanning want: repository-relative, else as given (forward slashes). */
export function repositoryPath(file: string, root: string | undefined): string {
  return inRepository(file, root) ?? file.split('\\').join('/');
}
