/** The migrations folder as Prisma reads it: one directory per migration with a migration.sql, in localeCompare order. */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface MigrationDir {
  /** The directory name, which is the `migration_name` in `_prisma_migrations`. */
  name: string;
  /** Absolute path of its migration.sql. */
  file: string;
  /** The file as Prisma reads it (`fs.readFile(path, 'utf-8')`). */
  script: string;
  /** sha256 of the file's bytes, lowercase hex: what Prisma stores as `checksum`. */
  checksum: string;
}

export class MigrationsFolderError extends Error {
  override name = 'MigrationsFolderError';
}

/** `listMigrations.ts` in Prisma: subdirectories only (not recursive), each must hold a readable migration.sql. */
export function listMigrations(dir: string): MigrationDir[] {
  if (!existsSync(dir)) return [];
  const entries = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort((a, b) => a.localeCompare(b));
  return entries.map((name) => {
    const file = join(dir, name, 'migration.sql');
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (error) {
      throw new MigrationsFolderError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file (every directory in the migrations folder must hold a migration.sql)' : (error as Error).message}`);
    }
    return { name, file, script: bytes.toString('utf8'), checksum: checksum(bytes) };
  });
}

export function checksum(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Prisma accepts a stored checksum that matches the file as is, with CRLF→LF or with LF→CRLF. */
export function checksumMatches(stored: string, script: string): boolean {
  const lf = script.replace(/\r\n/g, '\n');
  const crlf = lf.replace(/\n/g, '\r\n');
  return [script, lf, crlf].some((s) => {
    const digest = createHash('sha256').update(s).digest();
    // Old engines wrote each byte without zero padding (prisma-engines#1887).
    return digest.toString('hex') === stored || [...digest].map((b) => b.toString(16)).join('') === stored;
  });
}

/** The `provider` recorded in migration_lock.toml, if the file exists. */
export function lockedProvider(dir: string): string | undefined {
  const file = join(dir, 'migration_lock.toml');
  if (!existsSync(file)) return undefined;
  return /^\s*provider\s*=\s*"([^"]*)"/m.exec(readFileSync(file, 'utf8'))?.[1];
}
