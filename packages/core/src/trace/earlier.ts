/** The migrations that run before a given one in its directory, to rebuild the schema it expects. */
import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/**
 * Files that sort before `file` in its directory: sibling `*.sql` files, or, for a Prisma-style layout
 * (`<dir>/<timestamp>_<name>/migration.sql`), the `migration.sql` of the sibling directories before its own.
 * Sorted by name, the order migration tools apply them in.
 */
export function earlierMigrations(file: string): string[] {
  const path = resolve(file);
  const dir = dirname(path);
  const name = basename(path);
  if (name === 'migration.sql') {
    const parent = dirname(dir);
    const own = basename(dir);
    return readdirSync(parent)
      .filter((d) => d < own && statSync(join(parent, d)).isDirectory())
      .sort()
      .map((d) => join(parent, d, 'migration.sql'))
      .filter((f) => {
        try {
          return statSync(f).isFile();
        } catch {
          return false;
        }
      });
  }
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql') && f < name && statSync(join(dir, f)).isFile())
    .sort()
    .map((f) => join(dir, f));
}
