/** `pgsafe check --orm <orm>`: the SQL that ORM migration files (JavaScript or TypeScript) send, read without a
 *  database by the ORM's pgsafe adapter, which the project installs next to pgsafe. */
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { MigrationCollector } from '@pgsafe/core';
import { UsageError, type Input } from './inputs.js';

export const ORMS = ['knex', 'typeorm', 'mikro-orm'] as const;
export type Orm = (typeof ORMS)[number];

/** Migration files a directory argument expands to. */
export const ORM_FILES = '**/*.{js,mjs,cjs,ts,mts,cts}';

/** The adapter's collector, resolved from the project first (where it is installed), then from pgsafe itself. */
export async function loadCollector(orm: Orm, cwd = process.cwd()): Promise<MigrationCollector> {
  const pkg = `@pgsafe/${orm}`;
  let resolved: string | undefined;
  for (const base of [join(cwd, 'package.json'), import.meta.url]) {
    try {
      resolved = createRequire(base).resolve(pkg);
      break;
    } catch {
      // try the next place
    }
  }
  if (!resolved) throw new UsageError(`--orm ${orm} needs the adapter package: npm install --save-dev ${pkg}`);
  const { collector } = (await import(pathToFileURL(resolved).href)) as { collector?: MigrationCollector };
  if (!collector) throw new UsageError(`${pkg} has no collector export (is it the right version?)`);
  return collector;
}

/** Each file's migration SQL as one input; a file that is not a migration of the ORM is skipped when it came from a
 *  directory, and an error when named. Files that cannot be loaded are failures, reported like unreadable files. */
export async function ormInputs(collector: MigrationCollector, files: string[], named: Set<string>): Promise<{ inputs: Input[]; failures: { file: string; message: string }[] }> {
  const inputs: Input[] = [];
  const failures: { file: string; message: string }[] = [];
  for (const file of files) {
    if (!collector.matches(file)) {
      if (named.has(file)) failures.push({ file, message: `not a ${collector.orm} migration file` });
      continue;
    }
    try {
      const migration = await collector.collect(file);
      inputs.push({
        file: `${file} (SQL of up())`,
        source: migration.statements.map(terminated).join('\n'),
        assumeInTransaction: migration.transactional,
        // One history per folder, in the ORM's order.
        slot: { runner: collector.orm as Orm, root: dirname(file), name: basename(file), direction: 'up' },
      });
    } catch (error) {
      failures.push({ file, message: `could not collect the SQL of its up(): ${(error as Error).message}` });
    }
  }
  return { inputs: withBatchTransactions(collector.orm as Orm, inputs), failures };
}

/** Which migrations the ORM runs in one transaction when they are pending together (all of a folder's, on a fresh
 *  install): knex a batch whose every migration is transactional; TypeORM all of them in its default mode 'all' (which
 *  refuses a migration's own `transaction = false`); MikroORM, with `allOrNothing` (its default), the transactional
 *  ones, the others running outside it. */
function withBatchTransactions(orm: Orm, inputs: Input[]): Input[] {
  const root = (i: Input) => i.slot?.root ?? '';
  const notAll = new Set(inputs.filter((i) => !i.assumeInTransaction).map(root));
  return inputs.map((input) => {
    const all = !notAll.has(root(input));
    const because =
      orm === 'knex' && all ? 'knex runs all pending migrations in one transaction when each is transactional'
      : orm === 'typeorm' && all ? "TypeORM runs all pending migrations in one transaction (migrationsTransactionMode 'all', its default)"
      : orm === 'mikro-orm' && input.assumeInTransaction ? 'MikroORM runs all pending migrations in one transaction (allOrNothing, its default)'
      : undefined;
    if (because) return { ...input, batchTransaction: because };
    // MikroORM runs a non-transactional migration on another connection while the batch's transaction stays open.
    return orm === 'mikro-orm' ? { ...input, besideBatchTransaction: true } : input;
  });
}

/** The statement with its semicolon, on a line of its own when the last line ends in a comment. */
function terminated(statement: string): string {
  const text = statement.trim().replace(/;$/, '');
  return `${text}${/--[^\n]*$/.test(text) ? '\n' : ''};\n`;
}
