import { Command, Option } from 'commander';
import {
  analyzeOptionsFrom,
  ConnectionError,
  fileReport,
  reportModel,
  tablesFromRehearsal,
  type ExecuteEvent,
  connectionTarget,
  PgDumpError,
  PlanError,
  rehearse,
  RehearseError,
  type RehearseResult,
} from '@pgsafe/core';
import { colorEnabled, palette } from '../color.js';
import { failWith, readMigration } from '../read-migration.js';
import { renderRehearsal } from '../output/rehearse.js';
import { startScratchServer, type ScratchServer } from '../scratch-server.js';
import { countArg, durationArg } from '../option-args.js';
import { commandConfig } from '../config-file.js';
import { checkAndPlan, writeHtmlReport } from '../html-report.js';
import { version } from '../version.js';

interface RehearseOptions {
  from: string;
  scratchUrl?: string;
  sampleRows: number;
  pgDump?: string;
  wholeSchema?: boolean;
  format: 'pretty' | 'json';
  lockTimeout?: number;
  statementTimeout?: number;
  color?: boolean;
  html?: string;
  config?: string;
}

export function rehearseCommand(): Command {
  return new Command('rehearse')
    .description('Copy the tables a migration touches (schema only, or with sampled rows) from a real database into a scratch database, and run the migration there: locks, rewrites, time.')
    .argument('<migration>', 'the .sql migration file to rehearse')
    .requiredOption('--from <url>', 'the database to copy the schema from (read-only session and pg_dump --schema-only)')
    .option('--scratch-url <url>', 'a server where a scratch database may be created and dropped (default: a throwaway embedded PostgreSQL)')
    .option('--sample-rows <n>', 'copy up to this many rows of each table (default 0: schema only)', countArg, 0)
    .option('--whole-schema', "dump the schema of the whole database, not only the touched tables (when they use types, functions or extensions of their own)")
    .option('--pg-dump <path>', 'the pg_dump to use (default: one matching the source server, searched in /usr/lib/postgresql/*/bin, $PGSAFE_PG_DUMP and PATH)')
    .addOption(new Option('-f, --format <format>', 'pretty (default) or json').choices(['pretty', 'json']).default('pretty'))
    .option('--lock-timeout <duration>', 'lock_timeout of each step of the run (default 2s)', durationArg)
    .option('--statement-timeout <duration>', 'statement_timeout of each step of the run (default 1min)', durationArg)
    .option('--no-color', 'never color the output')
    .option('--html <file>', 'also write a self-contained HTML report: the lock timeline of the rehearsal run, findings, the plan and the source tables\' sizes')
    .option('--config <file>', 'config file for the findings of the HTML report (default: the nearest pgsafe.config.*)')
    .addHelpText(
      'after',
      `
The source is only read: a read-only session for the catalog and the sample, and pg_dump --schema-only for the
touched tables. The scratch database is dropped afterwards. pg_dump must be of the source's major version or newer.

Exit codes: 0 the migration ran, 1 it failed in the scratch database, 2 usage, parse, connection or pg_dump errors.

Examples:
  pgsafe rehearse migrations/004_add_index.sql --from "$REPLICA_URL"
  pgsafe rehearse migrations/004_add_index.sql --from "$REPLICA_URL" --sample-rows 10000 --scratch-url postgres://postgres@localhost/postgres`,
    )
    .action(async (file: string, options: RehearseOptions, cmd: Command) => {
      const errColors = palette(colorEnabled(process.stderr, options.color));
      const fail = failWith(errColors);
      const migration = await readMigration(file, errColors);
      if (!migration) return;
      let server: ScratchServer | undefined;
      let result: RehearseResult;
      const events: ExecuteEvent[] = [];
      const planOptions = { ...(options.lockTimeout !== undefined ? { lockTimeout: options.lockTimeout } : {}), ...(options.statementTimeout !== undefined ? { statementTimeout: options.statementTimeout } : {}) };
      // Ctrl-C or SIGTERM: the copy is dropped at once (the embedded server removes itself and its data on a signal).
      const controller = new AbortController();
      let signalled: NodeJS.Signals | undefined;
      const onSignal = (signal: NodeJS.Signals) => {
        if (signalled) process.exit(signal === 'SIGTERM' ? 143 : 130);
        signalled = signal;
        process.stderr.write(`\npgsafe: ${signal}: dropping the scratch database (${signal === 'SIGINT' ? 'Ctrl-C' : signal} again to quit now)\n`);
        controller.abort();
      };
      if (options.scratchUrl) {
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
      }
      try {
        if (!options.scratchUrl) server = await startScratchServer();
        result = await rehearse(migration, {
          signal: controller.signal,
          from: options.from,
          scratch: options.scratchUrl ?? server!.url,
          sampleRows: options.sampleRows,
          ...(options.pgDump ? { pgDump: options.pgDump } : {}),
          ...(options.wholeSchema ? { wholeSchema: true } : {}),
          plan: planOptions,
          ...(options.html ? { onEvent: (e: ExecuteEvent) => events.push(e) } : {}),
        });
      } catch (error) {
        if (signalled) {
          process.stderr.write(`pgsafe: stopped by ${signalled}: the scratch database was dropped\n`);
          process.exitCode = signalled === 'SIGTERM' ? 143 : 130;
          return;
        }
        if (error instanceof ConnectionError || error instanceof PgDumpError || error instanceof RehearseError || error instanceof PlanError) return fail(error.message);
        if (!server && !options.scratchUrl) return fail(`${(error as Error).message}\n(give --scratch-url to rehearse on a server of your own)`);
        throw error;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        await server?.stop();
      }
      const setting = { file, source: connectionTarget(options.from), scratch: options.scratchUrl ? connectionTarget(options.scratchUrl) : 'embedded' };
      if (options.format === 'json') process.stdout.write(JSON.stringify({ version: 1, file, source: { ...result.source, target: setting.source }, ...withoutSource(result) }) + '\n');
      else process.stdout.write(renderRehearsal(result, setting, palette(colorEnabled(process.stdout, options.color))));
      process.exitCode = result.execution.status === 'completed' ? 0 : 1;
      if (options.html) {
        const config = await commandConfig(cmd, options.config);
        // The same plan rehearse() ran: made for the scratch server's version with the same options.
        const planned = checkAndPlan(migration, analyzeOptionsFrom(config, { pgVersion: result.source.major }), { pgVersion: result.scratch.major, ...planOptions });
        const where = `scratch database on PostgreSQL ${result.scratch.server} (${setting.scratch}), tables copied from ${setting.source}`;
        const notes = [...result.missing.map((t) => `${t}: not in the source database (created by the migration, or missing)`), ...result.notes];
        const report = fileReport({ migration, ...planned, tables: tablesFromRehearsal(result.tables), trace: { result: result.trace, where }, run: { events, result: result.execution, where }, notes });
        writeHtmlReport(options.html, reportModel('rehearse', [report], { where: [`source: PostgreSQL ${result.source.server} at ${setting.source}`, `rehearsed on: ${where}`], pgsafeVersion: version }));
      }
    });
}

function withoutSource(r: RehearseResult): Omit<RehearseResult, 'source'> {
  const { source: _, ...rest } = r;
  return rest;
}
