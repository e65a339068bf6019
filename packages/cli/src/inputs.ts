import { stat } from 'node:fs/promises';
import { glob, isDynamicPattern } from 'tinyglobby';
import type { MigrationSlot } from '@pgsafe/core';

/** A migration to check: where it came from and its text (read from `file` when absent). */
export interface Input {
  file: string;
  source?: string;
  /** How this input runs, when it differs from the command's options (an ORM migration's own transaction). */
  assumeInTransaction?: boolean;
  /** Its place among its runner's migrations: an `up` migration is judged after the earlier ones of its history. */
  slot?: MigrationSlot;
  /** false: only replayed, as the context of the later migrations of its history; not checked or counted. */
  report?: boolean;
}

export class UsageError extends Error {}

/** Expands files, directories (every file below matching `pattern`, sorted) and globs, in argument order, without
 *  duplicates. */
export async function expandPaths(args: string[], pattern = '**/*.sql', what = '.sql file'): Promise<string[]> {
  const files: string[] = [];
  const seen = new Set<string>();
  const add = (f: string) => {
    if (!seen.has(f)) {
      seen.add(f);
      files.push(f);
    }
  };
  for (const arg of args) {
    if (isDynamicPattern(arg)) {
      const matches = (await glob(arg, { onlyFiles: true, expandDirectories: false })).sort();
      if (matches.length === 0) throw new UsageError(`no file matches ${arg}`);
      matches.forEach(add);
      continue;
    }
    const info = await stat(arg).catch(() => undefined);
    if (!info) throw new UsageError(`no such file or directory: ${arg}`);
    if (info.isDirectory()) {
      const dir = arg.replace(/\/+$/, '');
      const matches = (await glob(pattern, { cwd: dir, onlyFiles: true, ignore: ['**/node_modules/**', '**/*.d.ts'] })).sort().map((f) => `${dir}/${f}`);
      if (matches.length === 0) throw new UsageError(`no ${what} in directory ${arg}`);
      matches.forEach(add);
    } else add(arg);
  }
  return files;
}

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
