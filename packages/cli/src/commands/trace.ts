import { Command, Option } from 'commander';
import {
  ConnectionError,
  connectionTarget,
  earlierMigrations,
  openConnection,
  replayMigrations,
  ReplayError,
  traceMigration,
  type ParsedMigration,
  type TraceResult,
} from '@pgsafe/core';
import { colorEnabled, palette } from '../color.js';
import { failWith, readMigration } from '../read-migration.js';
import { renderTrace } from '../output/trace.js';
import { startScratchServer } from '../scratch-server.js';
import { durationArg } from '../option-args.js';

interface TraceOptions {
  databaseUrl?: string;
  format: 'pretty' | 'json';
  lockTimeout: number;
  statementTimeout: number;
  replay: boolean;
  color?: boolean;
}

/** What went wrong before the trace could run: printed as `pgsafe: error: ...`, exit 2. */
class TraceSetupError extends Error {}

export function traceCommand(): Command {
  return new Command('trace')
    .description('Run a migration in a transaction that is always rolled back and report, per statement, the locks it really takes, the tables and indexes it rewrites, and the time.')
    .argument('<migration>', 'the .sql migration file to trace')
    .option('--database-url <url>', 'trace on this database (its locks are real while the trace runs: use a staging copy, not production). Default: a throwaway embedded PostgreSQL with the schema of the earlier migrations')
    .addOption(new Option('-f, --format <format>', 'pretty (default) or json').choices(['pretty', 'json']).default('pretty'))
    .option('--lock-timeout <duration>', 'give up waiting for a lock after this long', durationArg, 5000)
    .option('--statement-timeout <duration>', 'cancel a statement after this long (default: none)', durationArg, 0)
    .option('--no-replay', 'with the embedded database: do not replay the earlier migrations of the directory first')
    .option('--no-color', 'never color the output')
    .addHelpText(
      'after',
      `
Statements that cannot run in a transaction block are traced in their nearest transactional form, with the
documented lock noted: CREATE INDEX CONCURRENTLY as CREATE INDEX (which takes SHARE, not SHARE UPDATE EXCLUSIVE),
likewise DROP INDEX, REINDEX and DETACH PARTITION CONCURRENTLY. VACUUM and transaction control are not traced.

Without --database-url the schema comes from the migrations before this one in its directory (sorted by name;
for <dir>/<name>/migration.sql, the sibling directories before <name>), applied to an embedded PostgreSQL.

Exit codes: 0 every statement ran, 1 a statement failed, 2 usage, parse or connection errors.

Examples:
  pgsafe trace migrations/004_add_index.sql
  pgsafe trace migrations/004_add_index.sql --database-url postgres://app@staging/app --format json`,
    )
    .action(async (file: string, options: TraceOptions) => {
      const errColors = palette(colorEnabled(process.stderr, options.color));
      const fail = failWith(errColors);
      const migration = await readMigration(file, errColors);
      if (!migration) return;
      let result: TraceResult;
      let where: string;
      try {
        ({ result, where } = options.databaseUrl ? await onDatabase(options.databaseUrl, migration, options) : await onScratch(file, migration, options));
      } catch (error) {
        if (error instanceof ConnectionError || error instanceof TraceSetupError || error instanceof ReplayError) return fail(error.message);
        throw error;
      }
      if (options.format === 'json') process.stdout.write(JSON.stringify({ version: 1, file, where, ...result }) + '\n');
      else process.stdout.write(renderTrace(result, { file, where }, palette(colorEnabled(process.stdout, options.color))));
      process.exitCode = result.statements.some((s) => s.status === 'error') ? 1 : 0;
    });
}

async function onDatabase(url: string, migration: ParsedMigration, options: TraceOptions): Promise<{ result: TraceResult; where: string }> {
  const client = await openConnection(url, { applicationName: 'pgsafe-trace' });
  try {
    return { result: await traceMigration(client, migration, { lockTimeoutMs: options.lockTimeout, statementTimeoutMs: options.statementTimeout }), where: `${connectionTarget(url)}, its locks real while the trace ran` };
  } finally {
    await client.end().catch(() => {});
  }
}

async function onScratch(file: string, migration: ParsedMigration, options: TraceOptions): Promise<{ result: TraceResult; where: string }> {
  const earlier = options.replay ? earlierMigrations(file) : [];
  let server;
  try {
    server = await startScratchServer();
  } catch (error) {
    throw new TraceSetupError(`${(error as Error).message}\n(give --database-url to trace on a database of your own)`);
  }
  try {
    const admin = await openConnection(server.url, { applicationName: 'pgsafe-trace' });
    await admin.query('CREATE DATABASE pgsafe_trace');
    await admin.end();
    const client = await openConnection(server.url.replace(/\/postgres$/, '/pgsafe_trace'), { applicationName: 'pgsafe-trace' });
    try {
      await replayMigrations(client, earlier);
      const result = await traceMigration(client, migration, { lockTimeoutMs: options.lockTimeout, statementTimeoutMs: options.statementTimeout });
      const schema = earlier.length ? `schema from ${earlier.length} earlier ${earlier.length === 1 ? 'migration' : 'migrations'}` : 'empty schema: no earlier migrations';
      return { result, where: `embedded scratch database, ${schema}` };
    } finally {
      await client.end().catch(() => {});
    }
  } finally {
    await server.stop();
  }
}
