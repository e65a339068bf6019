/** Reading a migration file: a size bound, so that a data dump given by mistake is a clear error naming the file
 *  instead of gigabytes of memory and a stack trace (the parser holds several copies of the text and its tree). */
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';

/** 16 MB: the largest schema migrations of real projects are a few hundred KB; more is data. (parse-worker.cjs has
 *  the same bound.) */
export const MAX_MIGRATION_BYTES = 16 * 1024 * 1024;

export function tooLargeMessage(file: string, bytes: number): string {
  return `${file} is ${(bytes / 1024 / 1024).toFixed(1)} MB, more than pgsafe reads as one migration (${MAX_MIGRATION_BYTES / 1024 / 1024} MB): a file this big holds data, not schema changes; split it, or load the data another way`;
}

/** The file's text; throws an Error whose message names the file (missing, unreadable, a directory, too large). */
export function readMigrationSource(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size > MAX_MIGRATION_BYTES) throw new Error(tooLargeMessage(file, size));
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}
