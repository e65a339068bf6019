import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { MAX_MIGRATION_BYTES, tooLargeMessage, type MigrationSlot } from '@pgsafe/core';

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
  /** The runner runs it in one transaction with the other migrations of its batch, and why (an ORM runner). */
  batchTransaction?: string;
  /** It runs outside that transaction, on another connection, while the transaction stays open around it (MikroORM's
   *  allOrNothing with a non-transactional migration): the batch's migrations after it still hold the earlier locks. */
  besideBatchTransaction?: boolean;
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
      await assertWholeTree(dir, pattern);
      const matches = (await glob(pattern, { cwd: dir, onlyFiles: true, ignore: ['**/node_modules/**', '**/*.d.ts'] })).sort().map((f) => `${dir}/${f}`);
      if (matches.length === 0) throw new UsageError(`no ${what} in directory ${arg}`);
      matches.forEach(add);
    } else add(arg);
  }
  return files;
}

/** The glob skips what it cannot read without a word: a directory it may not enter, a migration that is a symlink to
 *  nothing. Either would be a migration left unchecked while the check passes, so each is a usage error here. */
async function assertWholeTree(dir: string, pattern: string): Promise<void> {
  // The extensions the pattern's last part takes: `**/*.sql` → sql, `**/*.{ts,js}` → ts, js.
  const ext = /\*\.(?:\{([^}]+)\}|([\w.]+))$/.exec(pattern);
  const extensions = ext ? (ext[1] ?? ext[2]!).split(',').map((e) => `.${e.trim()}`) : [];
  const walk = async (at: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(at, { withFileTypes: true });
    } catch (error) {
      throw new UsageError(`cannot read directory ${at}: ${(error as NodeJS.ErrnoException).code === 'EACCES' ? 'permission denied' : (error as Error).message} (its migrations would go unchecked)`);
    }
    for (const entry of entries) {
      const path = join(at, entry.name);
      if (entry.name === 'node_modules') continue;
      if (entry.isDirectory()) await walk(path);
      else if (entry.isSymbolicLink() && extensions.some((e) => entry.name.endsWith(e)) && !(await stat(path).catch(() => undefined))) {
        throw new UsageError(`${path} is a symbolic link to a file that does not exist (the migration would go unchecked)`);
      }
    }
  };
  await walk(dir);
}

/** All of stdin, up to the size bound of one migration. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of process.stdin) {
    bytes += (chunk as Buffer).length;
    if (bytes > MAX_MIGRATION_BYTES) throw new UsageError(tooLargeMessage('<stdin>', bytes));
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
