import { Command } from 'commander';
import { analyze, analyzeOptionsFrom, ConnectionError, fileReport, NEWEST_PG_VERSION, OLDEST_PG_VERSION, ReplayError, reportModel, tablesFromLive, type FileReportInput } from '@pgsafe/core';
import { emptySummary } from '../check-run.js';
import { colorEnabled, palette } from '../color.js';
import { commandConfig } from '../config-file.js';
import { planOf, planOptionsFrom, writeHtmlReport } from '../html-report.js';
import { openLiveCheck } from '../live-check.js';
import { pgVersionArg } from '../option-args.js';
import { failWith, readMigration } from '../read-migration.js';
import { traceOnDatabase, traceOnScratch, TraceSetupError } from '../trace-run.js';
import { version } from '../version.js';

interface ReportOptions {
  out: string;
  databaseUrl?: string;
  trace?: boolean;
  traceUrl?: string;
  replay: boolean;
  pgVersion?: number;
  assumeInTransaction?: boolean;
  runnerSetsTimeouts?: boolean;
  config?: string;
  color?: boolean;
}

export function reportCommand(): Command {
  return new Command('report')
    .description('Write one self-contained HTML page about a migration: its findings with the safe recipes, the plan pgsafe run would follow, and with --trace the lock timeline of a real trace.')
    .argument('<migration>', 'the .sql migration file')
    .option('-o, --out <file>', 'where to write the report (- for stdout)', 'pgsafe-report.html')
    .option('--database-url <url>', 'read the live database (read-only) for table sizes and live facts, as check --database-url does')
    .option('--trace', 'trace the migration (in a transaction that is rolled back) on a throwaway embedded PostgreSQL with the schema of the earlier migrations, and draw its lock timeline')
    .option('--trace-url <url>', 'trace on this database instead (its locks are real while the trace runs: a staging copy, not production)')
    .option('--no-replay', 'with --trace on the embedded database: do not replay the earlier migrations of the directory first')
    .option('--pg-version <major>', `target PostgreSQL major version (${OLDEST_PG_VERSION}-${NEWEST_PG_VERSION}; default: the database's, else ${NEWEST_PG_VERSION})`, pgVersionArg)
    .option('--assume-in-transaction', 'the runner wraps the file in a transaction (knex, TypeORM, MikroORM defaults)')
    .option('--runner-sets-timeouts', 'the runner sets lock_timeout and statement_timeout itself (pgsafe run does)')
    .option('--config <file>', 'config file (default: the nearest pgsafe.config.ts, .mts, .json, .mjs or .js upward)')
    .option('--no-color', 'never color the output')
    .addHelpText(
      'after',
      `
The page loads nothing from the network: share it as a CI artifact or attach it to a pull request. check, trace,
rehearse and run write the same report with --html <file>; run's has the timeline of the real run.

Exit codes: 0 the report was written, 2 usage, parse, connection or trace errors.

Examples:
  pgsafe report migrations/004_add_index.sql --out report.html
  pgsafe report migrations/004_add_index.sql --trace --database-url "$REPLICA_URL"
  pgsafe report migrations/004_add_index.sql --trace-url "$STAGING_URL"`,
    )
    .action(async (file: string, options: ReportOptions, cmd: Command) => {
      const errColors = palette(colorEnabled(process.stderr, options.color));
      const fail = failWith(errColors);
      const migration = await readMigration(file, errColors);
      if (!migration) return;
      const config = await commandConfig(cmd, options.config);
      let analyzeOptions = analyzeOptionsFrom(config, { pgVersion: options.pgVersion, assumeInTransaction: options.assumeInTransaction, runnerSetsTimeouts: options.runnerSetsTimeouts });
      const where: string[] = [];
      const input: Partial<FileReportInput> = {};
      try {
        if (options.trace || options.traceUrl) {
          const trace = { lockTimeout: 5000, statementTimeout: 0, replay: options.replay, ownDatabaseOption: '--trace-url' };
          const traced = options.traceUrl ? await traceOnDatabase(options.traceUrl, migration, trace) : await traceOnScratch(file, migration, trace);
          input.trace = traced;
          where.push(`trace: PostgreSQL ${traced.result.server}, ${traced.where}`);
          if (options.pgVersion === undefined) analyzeOptions = { ...analyzeOptions, pgVersion: clampVersion(Number.parseInt(traced.result.server, 10)) };
        }
        let findings;
        if (options.databaseUrl) {
          const summary = emptySummary();
          const live = await openLiveCheck(options.databaseUrl, {}, summary, analyzeOptions.severities ?? {}, (message) => process.stderr.write(`pgsafe: ${errColors.yellow(errColors.bold('warning'))}: ${message}\n`), config.run?.largeTableRows);
          try {
            if (options.pgVersion === undefined) analyzeOptions = { ...analyzeOptions, pgVersion: clampVersion(live.major) };
            findings = await live.enrich(migration, analyze(migration, analyzeOptions));
            input.tables = tablesFromLive(live.tables.get(migration.file) ?? []);
            where.push(`live: PostgreSQL ${summary.live!.server} at ${summary.live!.target} (read-only)`);
          } finally {
            await live.close();
          }
        } else findings = analyze(migration, analyzeOptions);
        const planned = planOf(migration, planOptionsFrom(config, analyzeOptions.pgVersion));
        writeHtmlReport(options.out, reportModel('report', [fileReport({ ...input, migration, findings, ...planned })], { where, pgsafeVersion: version }));
      } catch (error) {
        if (error instanceof ConnectionError || error instanceof TraceSetupError || error instanceof ReplayError) return fail(error.message);
        throw error;
      }
    });
}

function clampVersion(major: number): number {
  return Math.min(NEWEST_PG_VERSION, Math.max(OLDEST_PG_VERSION, major));
}
