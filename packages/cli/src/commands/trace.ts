import { Command, Option } from 'commander';
import { analyzeOptionsFrom, ConnectionError, fileReport, ReplayError, reportModel, type TraceResult } from '@pgsafe/core';
import { colorEnabled, palette } from '../color.js';
import { commandConfig } from '../config-file.js';
import { checkAndPlan, planOptionsFrom, writeHtmlReport } from '../html-report.js';
import { failWith, readMigration } from '../read-migration.js';
import { renderTrace } from '../output/trace.js';
import { traceOnDatabase, traceOnScratch, TraceSetupError } from '../trace-run.js';
import { durationArg } from '../option-args.js';
import { version } from '../version.js';

interface TraceOptions {
  databaseUrl?: string;
  format: 'pretty' | 'json';
  lockTimeout: number;
  statementTimeout: number;
  replay: boolean;
  color?: boolean;
  html?: string;
  config?: string;
}

export function traceCommand(): Command {
  return new Command('trace')
    .description('Run a migration in a transaction that is always rolled back and report, per statement, the locks it really takes, the tables and indexes it rewrites, and the time.')
    .argument('<migration>', 'the .sql migration file to trace')
    .option('--database-url <url>', 'trace on this database (its locks are real while the trace runs: use a staging copy, not production). Default: a throwaway embedded PostgreSQL with the schema of the earlier migrations')
    .addOption(new Option('-f, --format <format>', 'pretty (default) or json').choices(['pretty', 'json']).default('pretty'))
    .option('--lock-timeout <duration>', 'give up waiting for a lock after this long', durationArg, 5000)
    .option('--statement-timeout <duration>', 'cancel a statement after this long (default: none)', durationArg, 0)
    .option('--no-replay', 'with the embedded database: do not replay the earlier migrations of the directory first')
    .option('--html <file>', 'also write a self-contained HTML report: the lock timeline of the trace, findings and the plan')
    .option('--config <file>', 'config file for the findings of the HTML report (default: the nearest pgsafe.config.*)')
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
    .action(async (file: string, options: TraceOptions, cmd: Command) => {
      const errColors = palette(colorEnabled(process.stderr, options.color));
      const fail = failWith(errColors);
      const migration = await readMigration(file, errColors);
      if (!migration) return;
      let result: TraceResult;
      let where: string;
      try {
        ({ result, where } = options.databaseUrl ? await traceOnDatabase(options.databaseUrl, migration, options) : await traceOnScratch(file, migration, options));
      } catch (error) {
        if (error instanceof ConnectionError || error instanceof TraceSetupError || error instanceof ReplayError) return fail(error.message);
        throw error;
      }
      if (options.format === 'json') process.stdout.write(JSON.stringify({ version: 1, file, where, ...result }) + '\n');
      else process.stdout.write(renderTrace(result, { file, where }, palette(colorEnabled(process.stdout, options.color))));
      process.exitCode = result.statements.some((s) => s.status === 'error') ? 1 : 0;
      if (options.html) {
        const config = await commandConfig(cmd, options.config);
        const pgVersion = Number.parseInt(result.server, 10);
        const planned = checkAndPlan(migration, analyzeOptionsFrom(config, { pgVersion }), planOptionsFrom(config, pgVersion));
        writeHtmlReport(options.html, reportModel('trace', [fileReport({ migration, ...planned, trace: { result, where } })], { where: [`PostgreSQL ${result.server}: ${where}`], pgsafeVersion: version }));
      }
    });
}
