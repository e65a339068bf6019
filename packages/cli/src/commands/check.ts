import { Command, Option } from 'commander';
import { analyzeOptionsFrom, ruleDocs, type Finding, type RuleDoc, ConnectionError, fileReport, parserThread, LIVE_CHECKS, reportModel, rules, NEWEST_PG_VERSION, OLDEST_PG_VERSION, SUPPRESSION_CHECKS, tablesFromLive, type FileReport } from '@pgsafe/core';
import { commandConfig } from '../config-file.js';
import { changedSince } from '../changed-files.js';
import { historyInputs } from '../history-inputs.js';
import { checkInputs, emptySummary, exitCode, type OnChecked } from '../check-run.js';
import { planOf, planOptionsFrom, writeHtmlReport } from '../html-report.js';
import { openLiveCheck, type LiveCheck } from '../live-check.js';
import { countArg, durationArg, pgVersionArg } from '../option-args.js';
import { expandPaths, readStdin, UsageError, type Input } from '../inputs.js';
import { loadCollector, ORM_FILES, ORMS, ormInputs, type Orm } from '../orm-inputs.js';
import { formatError, PrettyReporter } from '../output/pretty.js';
import { JsonReporter } from '../output/json.js';
import { GithubReporter } from '../output/github.js';
import { SarifReporter } from '../output/sarif.js';
import { MarkdownReporter } from '../output/markdown.js';
import { CompactReporter } from '../output/compact.js';
import { repositoryRoot } from '../output/repo-path.js';
import { ruleIdsArg, selectRules } from '../rule-selection.js';
import { ChunkedWriter } from '../output/writer.js';
import { version } from '../version.js';
import { plural } from '../output/plural.js';
import { colorEnabled, palette } from '../color.js';

const FORMATS = ['pretty', 'compact', 'json', 'github', 'sarif', 'markdown'] as const;
type Format = (typeof FORMATS)[number];

interface CheckOptions {
  format: Format;
  pgVersion?: number;
  assumeInTransaction?: boolean;
  runnerSetsTimeouts?: boolean;
  listRules?: boolean;
  color?: boolean;
  stdinFilename: string;
  config?: string;
  since?: string;
  orm?: Orm;
  databaseUrl?: string;
  countTimeout?: number;
  exactCountLimit?: number;
  longTransaction?: number;
  rule?: string[];
  skipRule?: string[];
  quiet?: boolean;
  maxWarnings?: number;
  html?: string;
}

export function checkCommand(): Command {
  return new Command('check')
    .description('Check migrations for statements that are dangerous on a large, busy production database.')
    .argument('[paths...]', 'SQL files, directories (every *.sql below), globs, or - for stdin; with --orm: migration files or directories')
    .addOption(new Option('--orm <orm>', "check an ORM's JavaScript/TypeScript migrations: the SQL their up() sends, read without a database by @pgsafe/<orm>").choices(ORMS))
    .addOption(
      new Option('-f, --format <format>', 'pretty (default), compact (one line a finding), json, github (workflow annotations), sarif (code scanning), markdown (PR comment or job summary)')
        .choices(FORMATS)
        .default('pretty'),
    )
    .option('--pg-version <major>', `target PostgreSQL major version (${OLDEST_PG_VERSION}-${NEWEST_PG_VERSION}, default ${NEWEST_PG_VERSION})`, pgVersionArg)
    .option('--assume-in-transaction', 'the runner wraps each file in a transaction (knex, TypeORM, MikroORM defaults)')
    .option('--runner-sets-timeouts', 'the runner sets lock_timeout and statement_timeout itself (pgsafe run does)')
    .option('--stdin-filename <name>', 'file name to show for SQL read from stdin', '<stdin>')
    .option('--since <git-ref>', 'check only the files added or modified since this git ref (and new untracked ones)')
    .option('--config <file>', 'config file (default: the nearest pgsafe.config.ts, .mts, .json, .mjs or .js upward)')
    .option('--database-url <url>', 'read the live database (read-only) to make findings concrete: table sizes, existing indexes, NULL, violating and duplicate rows, collations, sessions holding locks')
    .option('--count-timeout <duration>', 'with --database-url: statement_timeout of each counting query; a count that times out falls back to a sample (default 10s)', durationArg)
    .option('--exact-count-limit <rows>', 'with --database-url: tables estimated above this many rows are sampled, not counted exactly (default 1000000)', countArg)
    .option('--long-transaction <duration>', 'with --database-url: report transactions older than this holding locks on the touched tables (default 1min; idle-in-transaction sessions always)', durationArg)
    .option('--rule <ids>', 'run only these rules (comma-separated, repeatable); opt-in rules included', ruleIdsArg)
    .option('--skip-rule <ids>', 'do not run these rules (comma-separated, repeatable)', ruleIdsArg)
    .option('-q, --quiet', 'report error-level findings only; warnings are counted in the summary, not shown')
    .option('--max-warnings <n>', 'exit 1 when there are more than n warnings (default: warnings never fail)', countArg)
    .option('--html <file>', 'also write a self-contained HTML report: findings, recipes, each migration\'s plan, table sizes with --database-url')
    .option('--list-rules', 'list every rule with its severity and summary')
    .option('--no-color', 'never color the output')
    .addHelpText(
      'after',
      `\nAccept a finding with a reason: "-- pgsafe-ignore <rule-id>[, <rule-id>]: <reason>" on the line before the\nstatement, or "-- pgsafe-ignore-file <rule-id>: <reason>" for the whole file.\n\nWith --database-url, every session pgsafe opens is read-only (default_transaction_read_only, a short\nstatement_timeout): it reads the catalog, statistics and bounded counts, never writes. Findings the live database\ndisproves are dropped and listed; statements the live data makes fail get a live-data-violation error.\n\nExit codes: 0 no error-level finding (warnings never fail, unless --max-warnings), 1 error-level findings (or more\nwarnings than --max-warnings), 2 usage, parse or connection errors.\n\nExamples:\n  pgsafe check migrations/\n  pgsafe check 'prisma/migrations/*/migration.sql' --format json\n  pgsafe check --orm knex migrations/\n  git show HEAD:db/001.sql | pgsafe check - --stdin-filename db/001.sql\n  pgsafe check db/042_add_status.sql --database-url "$REPLICA_URL"`,
    )
    .action(async (paths: string[], options: CheckOptions, cmd: Command) => {
      if (options.listRules) {
        process.stdout.write(listRules(options.format));
        return;
      }
      if (paths.length === 0) cmd.error('error: give at least one file, directory, glob, or - for stdin', { exitCode: 2 });
      // Started by the entry point, or now: it loads the parser while the files are found and the config is read.
      const parser = parserThread();
      let files: string[];
      let changed: Set<string> | undefined;
      let stdin: string | undefined;
      try {
        stdin = paths.includes('-') ? await readStdin() : undefined;
        if (options.orm && stdin !== undefined) throw new UsageError('--orm reads migration files, not stdin');
        files = await expandPaths(paths.filter((p) => p !== '-'), ...(options.orm ? [ORM_FILES, `${options.orm} migration file`] : []));
        if (options.since) changed = changedSince(options.since, process.cwd());
      } catch (error) {
        if (error instanceof UsageError) cmd.error(`error: ${error.message}`, { exitCode: 2 });
        throw error;
      }
      const config = await commandConfig(cmd, options.config);
      let analyzeOptions = analyzeOptionsFrom(config, {
        pgVersion: options.pgVersion,
        assumeInTransaction: options.assumeInTransaction,
        // The pgsafe adapters set the timeouts of every migration statement.
        runnerSetsTimeouts: options.runnerSetsTimeouts ?? (options.orm ? true : undefined),
      });
      analyzeOptions = { ...analyzeOptions, severities: selectRules(analyzeOptions.severities ?? {}, options.rule, options.skipRule) };
      let read: { inputs: Input[]; failures: { file: string; message: string }[] };
      try {
        // Plain SQL files are read by the parser thread, ahead of the checks.
        // --since: the unchanged migrations are still read, as the context of the changed ones.
        const named = new Set(paths);
        read = options.orm ? await ormInputs(await loadCollector(options.orm), files, named) : { inputs: files.map((file) => ({ file })), failures: [] };
        read.inputs = await historyInputs(read.inputs, { named, ...(config.runner ? { runner: config.runner } : {}), ...(changed ? { changed } : {}) });
      } catch (error) {
        if (error instanceof UsageError) cmd.error(`error: ${error.message}`, { exitCode: 2 });
        throw error;
      }
      const errColors = palette(colorEnabled(process.stderr, options.color));
      const start = emptySummary();
      let live: LiveCheck | undefined;
      if (options.databaseUrl) {
        try {
          live = await openLiveCheck(options.databaseUrl, { countTimeoutMs: options.countTimeout, exactCountLimit: options.exactCountLimit, longTransactionMs: options.longTransaction }, start, analyzeOptions.severities ?? {}, (message) =>
            process.stderr.write(`pgsafe: ${errColors.yellow(errColors.bold('warning'))}: ${message}\n`),
            config.run?.largeTableRows,
          );
        } catch (error) {
          if (!(error instanceof ConnectionError)) throw error;
          process.stderr.write(`pgsafe: ${errColors.red(errColors.bold('error'))}: ${error.message}\n`);
          process.exitCode = 2;
          return;
        }
        // The rules follow the live server's version unless --pg-version says otherwise.
        if (options.pgVersion === undefined) analyzeOptions = { ...analyzeOptions, pgVersion: Math.min(NEWEST_PG_VERSION, Math.max(OLDEST_PG_VERSION, live.major)) };
        start.live!.pgVersion = analyzeOptions.pgVersion ?? NEWEST_PG_VERSION;
      }
      const out = new ChunkedWriter(process.stdout.fd);
      const reporter = makeReporter(options, out, options.format === 'sarif' ? await ruleDocs() : []);
      const onFinding = options.quiet
        ? (f: Finding, source: string) => {
            if (f.severity === 'error') reporter.finding(f, source);
          }
        : reporter.finding.bind(reporter);
      // The HTML report plans only the files with findings: a clean file is listed by name.
      const htmlFiles: FileReport[] = [];
      const planOptions = planOptionsFrom(config, analyzeOptions.pgVersion);
      const onChecked: OnChecked | undefined = options.html
        ? (migration, findings) => htmlFiles.push(fileReport({ migration, findings, ...(findings.length ? planOf(migration, planOptions) : {}), tables: tablesFromLive(live?.tables.get(migration.file) ?? []) }))
        : undefined;
      let summary;
      try {
        const result = stdin === undefined ? start : await checkInputs(parser, [{ file: options.stdinFilename, source: stdin }], analyzeOptions, onFinding, start, live?.enrich, onChecked);
        summary = await checkInputs(parser, read.inputs, analyzeOptions, onFinding, result, live?.enrich, onChecked);
      } finally {
        await Promise.all([live?.close(), parser.close()]);
      }
      summary.errors.push(...read.failures);
      reporter.end(summary);
      process.stderr.write(summary.errors.map((e) => formatError(options.format === 'compact' ? { ...e, lineText: undefined } : e, errColors)).join(''));
      if (options.html) {
        const where = summary.live ? [`PostgreSQL ${summary.live.server} at ${summary.live.target} (read-only)`] : [];
        writeHtmlReport(options.html, reportModel('check', htmlFiles, { errors: summary.errors, where, pgsafeVersion: version }));
      }
      process.exitCode = exitCode(summary);
      if (options.maxWarnings !== undefined && summary.warningCount > options.maxWarnings) {
        process.stderr.write(`pgsafe: ${errColors.red(errColors.bold('error'))}: ${plural(summary.warningCount, 'warning')}, more than --max-warnings ${options.maxWarnings}\n`);
        process.exitCode = Math.max(process.exitCode, 1);
      }
    });
}

function makeReporter(options: CheckOptions, out: ChunkedWriter, docs: RuleDoc[]) {
  const summary = { quiet: options.quiet };
  switch (options.format) {
    case 'json':
      return new JsonReporter(out);
    case 'compact':
      return new CompactReporter(out, summary);
    case 'github':
      return new GithubReporter(out, repositoryRoot(), summary);
    case 'sarif':
      return new SarifReporter(out, version, repositoryRoot(), docs);
    case 'markdown':
      return new MarkdownReporter(out, summary);
    default:
      return new PrettyReporter(out, palette(colorEnabled(process.stdout, options.color)), summary);
  }
}

function listRules(format: Format): string {
  const all = [...rules, ...SUPPRESSION_CHECKS, ...LIVE_CHECKS].map((r) => ({ id: r.id, severity: r.severity, summary: r.summary, ...('optIn' in r && r.optIn ? { optIn: true } : {}) }));
  if (format === 'json') return JSON.stringify(all) + '\n';
  const width = Math.max(...all.map((r) => r.id.length));
  return all.map((r) => `${r.id.padEnd(width)}  ${r.severity.padEnd(7)}  ${r.summary}`).join('\n') + '\n';
}
