/**
 * Runner conventions: how the tool that applies a folder of migrations finds them, orders them, and wraps each in a
 * transaction (or not). `pgsafe check` judges each migration the way its runner will run it, after the earlier ones.
 *
 * | runner | layout | order | transaction |
 * |---|---|---|---|
 * | prisma | `<root>/<name>/migration.sql` | folder names (localeCompare) | the file is one implicit transaction (one simple query) |
 * | diesel | `<root>/<name>/up.sql`, `down.sql` | folder names | one per migration, unless metadata.toml says `run_in_transaction = false` |
 * | flyway | `<root>/V<version>__<desc>.sql`, repeatable `R__<desc>.sql` | version, numerically by part; repeatables after every versioned one, by description | one per migration; none for a file of statements PostgreSQL refuses in one |
 * | golang-migrate, sqlx | `<root>/<version>_<name>.up.sql`, `.down.sql` | version (number) | the file is one transaction (golang-migrate: one implicit, sqlx: explicit) unless `-- no-transaction` (sqlx) |
 * | goose | `<root>/<version>_<name>.sql` with `-- +goose Up` | version | one per migration unless `-- +goose NO TRANSACTION` |
 * | dbmate | `<root>/<version>_<name>.sql` with `-- migrate:up` | version | one per migration unless `-- migrate:up transaction:false` |
 * | node-pg-migrate | `<root>/<version>_<name>.sql` with `-- Up Migration` | file name | one per migration |
 * | postgres-migrations | `<root>/<id>_<name>.sql` or `<id>-<name>.sql` | id (number) | one per migration unless the file says `-- postgres-migrations disable-transaction` |
 * | sqlx (simple) | `<root>/<version>_<name>.sql` | version | one per migration unless the first line is `-- no-transaction` |
 * | plain | any other folder of .sql files | file name | as configured (`assumeInTransaction`), else none |
 *
 * A flat folder of .sql files without any runner's markers is not taken for a history (examples, snippets and
 * alternatives live in such folders): its files are judged alone, unless the config's `runner` says otherwise.
 *
 * The ORM runners (knex, TypeORM, MikroORM) come with their collected migrations (`pgsafe check --orm`): their order is
 * the file name (TypeORM: the 13-digit timestamp at the end of the class name, which its files start with too).
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export const RUNNERS = ['prisma', 'diesel', 'flyway', 'golang-migrate', 'sqlx', 'goose', 'dbmate', 'node-pg-migrate', 'postgres-migrations', 'knex', 'typeorm', 'mikro-orm', 'plain'] as const;
export type RunnerName = (typeof RUNNERS)[number];

/** Where a file sits among its runner's migrations. */
export interface MigrationSlot {
  runner: RunnerName;
  /** The folder the runner reads the migrations from: files with the same root and runner form one history. */
  root: string;
  /** The runner's name of the migration (folder name, or file name). */
  name: string;
  /** `down`: a rollback, judged alone and never replayed. */
  direction: 'up' | 'down';
  /** Only a guess from a flat folder: the file's markers must confirm a runner (else it is judged alone). */
  guessed?: boolean;
}

/** How the runner runs one file. */
export interface FileExecution {
  /** The runner, as the file's markers tell it for a flat folder (goose, dbmate, node-pg-migrate, sqlx): `plain` when
   *  nothing does, and then the file is judged alone: a folder of .sql files is not a history unless something says
   *  so (the layout, the markers, or the config's `runner`). */
  runner: RunnerName;
  /** The runner wraps the (up part of the) file in one transaction. */
  transactional: boolean;
  /** The transaction is PostgreSQL's implicit one of a multi-statement query: a file of one statement runs outside
   *  any transaction block (a lone CREATE INDEX CONCURRENTLY works). */
  implicit?: boolean;
  /** Character offset where the down part of the file starts (goose, dbmate, node-pg-migrate): statements from there
   *  are not replayed. */
  downFrom?: number;
  /** Why, in a few words, for messages ("goose: -- +goose NO TRANSACTION"). */
  because: string;
}

const FLYWAY = /^[VU](\d+(?:[._]\d+)*)__.+\.sql$/i;
/** Flyway's repeatable migrations: no version, applied after the versioned ones (their order: no version comes last). */
const FLYWAY_REPEATABLE = /^R__.+\.sql$/i;
const UP_DOWN = /^(\d+)_.+\.(up|down)\.sql$/i;
const LEADING_NUMBER = /^(\d+)/;

/** The runner slot of `file` from its path alone, or undefined for a file that is not laid out as a migration. With
 *  `runner` given (the config's `runner` key), the file is taken as that runner's. */
export function migrationSlot(file: string, runner?: RunnerName): MigrationSlot | undefined {
  const name = basename(file);
  const dir = dirname(file);
  if (runner === 'prisma' || (!runner && name === 'migration.sql')) return { runner: 'prisma', root: dirname(dir), name: basename(dir), direction: 'up' };
  if (runner === 'diesel' || (!runner && (name === 'up.sql' || name === 'down.sql'))) {
    if (name !== 'up.sql' && name !== 'down.sql') return undefined;
    return { runner: 'diesel', root: dirname(dir), name: basename(dir), direction: name === 'up.sql' ? 'up' : 'down' };
  }
  if (runner === 'flyway' || (!runner && (FLYWAY.test(name) || FLYWAY_REPEATABLE.test(name)))) {
    if (/^U\d/i.test(name)) return { runner: 'flyway', root: dir, name, direction: 'down' };
    return FLYWAY.test(name) || FLYWAY_REPEATABLE.test(name) ? { runner: 'flyway', root: dir, name, direction: 'up' } : undefined;
  }
  const upDown = UP_DOWN.exec(name);
  if (upDown && (!runner || runner === 'golang-migrate' || runner === 'sqlx')) {
    return { runner: runner ?? 'golang-migrate', root: dir, name: name.replace(/\.(up|down)\.sql$/i, ''), direction: upDown[2]!.toLowerCase() === 'up' ? 'up' : 'down' };
  }
  if (!name.toLowerCase().endsWith('.sql')) return undefined;
  // Flat folders of .sql files: goose, dbmate, node-pg-migrate and sqlx are told apart by the file's content.
  return runner ? { runner, root: dir, name, direction: 'up' } : { runner: 'plain', root: dir, name, direction: 'up', guessed: true };
}

/** Orders the migrations of one history the way their runner applies them. */
export function runnerOrder(runner: RunnerName): (a: MigrationSlot, b: MigrationSlot) => number {
  switch (runner) {
    case 'prisma':
      // Prisma sorts the folder names with localeCompare (listMigrations.ts).
      return (a, b) => a.name.localeCompare(b.name) || byDirection(a, b);
    case 'flyway':
      return (a, b) => compareVersions(flywayVersion(a.name), flywayVersion(b.name)) || a.name.localeCompare(b.name);
    case 'typeorm':
      return (a, b) => compareVersions(typeormTimestamp(a.name), typeormTimestamp(b.name)) || codeUnits(a.name, b.name);
    case 'golang-migrate':
    case 'sqlx':
    case 'goose':
    case 'dbmate':
    case 'postgres-migrations':
    case 'plain':
      // Numbered files by number (1_, 2_, 10_), the rest by name after them.
      return (a, b) => compareVersions(leadingNumber(a.name), leadingNumber(b.name)) || codeUnits(a.name, b.name) || byDirection(a, b);
    default:
      return (a, b) => codeUnits(a.name, b.name) || byDirection(a, b);
  }
}

/** How the runner runs this file: its transaction and the part that is the up migration. `assumeInTransaction` is
 *  what the config says for a plain folder. */
export function fileExecution(slot: MigrationSlot, source: string, file: string, assumeInTransaction = false): FileExecution {
  switch (slot.runner) {
    case 'prisma':
      return { runner: 'prisma', transactional: true, implicit: true, because: 'prisma runs each migration.sql as one implicit transaction' };
    case 'diesel':
      return dieselMetadataSaysNoTransaction(file)
        ? { runner: 'diesel', transactional: false, because: 'diesel: run_in_transaction = false in metadata.toml' }
        : { runner: 'diesel', transactional: true, because: 'diesel runs each migration in a transaction' };
    case 'flyway':
      return { runner: 'flyway', transactional: true, because: 'flyway runs each migration in a transaction' };
    case 'golang-migrate':
      return { runner: 'golang-migrate', transactional: true, implicit: true, because: 'golang-migrate sends the file as one query: one implicit transaction' };
    default:
      return markedExecution(slot, source, assumeInTransaction);
  }
}

const GOOSE_UP = /^--\s*\+goose\s+Up\b/im;
const GOOSE_DOWN = /^--\s*\+goose\s+Down\b/im;
const GOOSE_NO_TX = /^--\s*\+goose\s+NO\s+TRANSACTION\b/im;
const DBMATE_UP = /^--\s*migrate:up\b(.*)$/im;
const DBMATE_DOWN = /^--\s*migrate:down\b/im;
const NPM_UP = /^--\s*Up Migration\b/im;
const NPM_DOWN = /^--\s*Down Migration\b/im;
const SQLX_NO_TX = /^\s*--\s*no-transaction\b/i;
const PG_MIGRATIONS_NO_TX = /^--\s*postgres-migrations\s+disable-transaction\b/im;

/** Flat .sql files: the runner's markers in the file say which it is and how it runs. */
function markedExecution(slot: MigrationSlot, source: string, assumeInTransaction: boolean): FileExecution {
  const downAt = (pattern: RegExp) => {
    const match = pattern.exec(source);
    return match ? { downFrom: match.index } : {};
  };
  if (slot.runner === 'knex' || slot.runner === 'typeorm' || slot.runner === 'mikro-orm') {
    return { runner: slot.runner, transactional: assumeInTransaction, because: `${slot.runner}: ${assumeInTransaction ? 'in the migration transaction' : 'the migration opts out of the transaction'}` };
  }
  if (slot.runner === 'goose' || GOOSE_UP.test(source)) {
    return GOOSE_NO_TX.test(source)
      ? { runner: 'goose', transactional: false, ...downAt(GOOSE_DOWN), because: 'goose: -- +goose NO TRANSACTION' }
      : { runner: 'goose', transactional: true, ...downAt(GOOSE_DOWN), because: 'goose runs each migration in a transaction' };
  }
  const dbmate = DBMATE_UP.exec(source);
  if (slot.runner === 'dbmate' || dbmate) {
    return /transaction:\s*false/i.test(dbmate?.[1] ?? '')
      ? { runner: 'dbmate', transactional: false, ...downAt(DBMATE_DOWN), because: 'dbmate: -- migrate:up transaction:false' }
      : { runner: 'dbmate', transactional: true, ...downAt(DBMATE_DOWN), because: 'dbmate runs each migration in a transaction' };
  }
  if (slot.runner === 'node-pg-migrate' || NPM_UP.test(source)) {
    return { runner: 'node-pg-migrate', transactional: true, ...downAt(NPM_DOWN), because: 'node-pg-migrate runs each migration in a transaction' };
  }
  if (slot.runner === 'postgres-migrations' || PG_MIGRATIONS_NO_TX.test(source)) {
    return PG_MIGRATIONS_NO_TX.test(source)
      ? { runner: 'postgres-migrations', transactional: false, because: 'postgres-migrations: -- postgres-migrations disable-transaction' }
      : { runner: 'postgres-migrations', transactional: true, because: 'postgres-migrations runs each migration in a transaction' };
  }
  if (slot.runner === 'sqlx' || (slot.runner === 'plain' && SQLX_NO_TX.test(source))) {
    return SQLX_NO_TX.test(source) ? { runner: 'sqlx', transactional: false, because: 'sqlx: -- no-transaction' } : { runner: 'sqlx', transactional: true, because: 'sqlx runs each migration in a transaction' };
  }
  return assumeInTransaction ? { runner: 'plain', transactional: true, because: 'assumeInTransaction is set' } : { runner: 'plain', transactional: false, because: 'no runner convention: each statement on its own' };
}

function dieselMetadataSaysNoTransaction(file: string): boolean {
  const metadata = join(dirname(file), 'metadata.toml');
  if (!existsSync(metadata)) return false;
  return /^\s*run_in_transaction\s*=\s*false\b/m.test(readFileSync(metadata, 'utf8'));
}

function flywayVersion(name: string): bigint[] {
  const match = FLYWAY.exec(name);
  return match ? match[1]!.split(/[._]/).map((p) => BigInt(p)) : [];
}

/** TypeORM orders by the last 13 digits of the class name (a millisecond timestamp); its files start with it. */
function typeormTimestamp(name: string): bigint[] {
  const digits = /(\d{13})(?!.*\d{13})/.exec(name);
  return digits ? [BigInt(digits[1]!)] : [];
}

function leadingNumber(name: string): bigint[] {
  const match = LEADING_NUMBER.exec(name);
  return match ? [BigInt(match[1]!)] : [];
}

/** Numeric version parts, compared part by part; a name without a version comes last. */
function compareVersions(a: bigint[], b: bigint[]): number {
  if (a.length === 0 || b.length === 0) return (a.length === 0 ? 1 : 0) - (b.length === 0 ? 1 : 0);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0n;
    const y = b[i] ?? 0n;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function codeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byDirection(a: MigrationSlot, b: MigrationSlot): number {
  return a.direction === b.direction ? 0 : a.direction === 'up' ? -1 : 1;
}
