import { relative, resolve } from 'node:path';
import { Command, Option } from 'commander';
import {
  analyzeOptionsFrom,
  DeployBatch,
  LARGE_TABLE_ROWS,
  liveContext,
  ConnectionError,
  connectionTarget,
  execute,
  formatDuration,
  formatPlan,
  kindLabel,
  loadParser,
  NEWEST_PG_VERSION,
  OLDEST_PG_VERSION,
  openConnection,
  parseMigration,
  ParseError,
  plan as makePlan,
  planTransactions,
  PlanError,
  readMigrationSource,
  PLAN_DEFAULTS,
  LONGEST_MIGRATION_LOCK_TIMEOUT_MS,
  renderFinding,
  stepRange,
  rules,
  type ExecuteResult,
  type Finding,
  type Palette,
  type PassedFinding,
  type Plan,
} from '@pgsafe/core';
import { colorEnabled, palette } from '../color.js';
import { readStdin } from '../inputs.js';
import { formatError } from '../output/pretty.js';
import { jsonSink, prettySink } from '../output/run-progress.js';
import { commandConfig } from '../config-file.js';
import { countArg, durationArg, pgVersionArg } from '../option-args.js';
import { RunHtmlReport } from '../run-report.js';

interface RunOptions {
  databaseUrl?: string;
  dryRun?: boolean;
  lockTimeout?: number;
  statementTimeout?: number;
  longStatementTimeout?: number;
  retries?: number;
  retryBudget?: number;
  preflight?: 'wait' | 'abort' | 'off';
  config?: string;
  allow: string[];
  format: 'pretty' | 'json';
  pgVersion?: number;
  color?: boolean;
  html?: string;
  lockWait?: number;
  restart?: boolean;
  name?: string;
}

function collectRules(value: string, previous: string[]): string[] {
  return [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];
}

/** Exit codes: 0 completed (or a dry run that would run), 1 refused or failed, 2 usage, parse or connection errors. */
export function runCommand(): Command {
  return new Command('run')
    .description('Check a migration, plan it into safe steps and run them: lock and statement timeouts, lock-timeout retries with back-off, pre-flight checks for blocking sessions, CONCURRENTLY steps outside transactions, INVALID index cleanup.')
    .argument('<file>', 'SQL migration file, or - for stdin')
    .option('--database-url <url>', 'PostgreSQL connection URL (default: $DATABASE_URL)')
    .option('--dry-run', 'check and print the plan without connecting')
    .option('--lock-timeout <duration>', 'lock_timeout of each step unless the migration sets one (default 2s)', durationArg)
    .option('--statement-timeout <duration>', 'statement_timeout of each step unless the migration sets one (default 1min)', durationArg)
    .option('--long-statement-timeout <duration>', 'statement_timeout of long steps that block no reads or writes: CONCURRENTLY builds, VALIDATE CONSTRAINT (default none)', durationArg)
    .option('--retries <n>', 'retries of a step after a lock timeout or deadlock (default 10)', countArg)
    .option('--retry-budget <duration>', "wall-clock budget of one step's attempts, back-off and pre-flight waits (default 60s)", durationArg)
    .addOption(new Option('--preflight <mode>', 'when sessions would block a step: wait for them, abort, or do not check').choices(['wait', 'abort', 'off']))
    .option('--config <file>', 'config file (default: the nearest pgsafe.config.ts, .mts, .json, .mjs or .js upward)')
    .option('--allow <rule-id>', 'run despite error-level findings of this rule (repeat, or comma-separate)', collectRules, [])
    .addOption(new Option('-f, --format <format>', 'output format').choices(['pretty', 'json']).default('pretty'))
    .option('--pg-version <major>', `PostgreSQL major version to check and plan for (${OLDEST_PG_VERSION}-${NEWEST_PG_VERSION}; default: the server's, or ${NEWEST_PG_VERSION} with --dry-run)`, pgVersionArg)
    .option('--no-color', 'never color the output')
    .option('--lock-wait <duration>', "give up when another run holds the database's run lock this long (default: wait)", durationArg)
    .option('--restart', 'run from step 1 even if the journal says an earlier run committed some steps, or completed')
    .option('--name <name>', 'name of the migration in the run journal, pgsafe.migration_runs (default: the file path relative to the current directory; stdin: not journaled)')
    .option('--html <file>', 'also write a self-contained HTML report: findings, the plan, and the lock timeline of the run (written when it fails or is interrupted too)')
    .addHelpText(
      'after',
      `\nExit codes: 0 completed (dry run: would run), 1 refused (error-level findings, or a migration that cannot run as written) or failed, 2 usage, parse or connection errors.\n\nExamples:\n  pgsafe run db/042_add_status.sql --dry-run\n  DATABASE_URL=postgres://app@db/prod pgsafe run db/042_add_status.sql --lock-timeout 500ms\n  pgsafe run db/042.sql --database-url "$URL" --allow adding-foreign-key-constraint --format json`,
    )
    .action(async (file: string, options: RunOptions, cmd: Command) => {
      const out = process.stdout;
      const c = palette(colorEnabled(out, options.color));
      const errColors = palette(colorEnabled(process.stderr, options.color));
      const json = options.format === 'json';
      const line = (obj: unknown) => out.write(JSON.stringify(obj) + '\n');
      let report: RunHtmlReport | undefined;
      const fail = (message: string, code: number) => {
        report?.notRunBecause('not-run', message);
        if (json) line({ type: 'error', message });
        process.stderr.write(`pgsafe: ${errColors.red(errColors.bold('error'))}: ${message}\n`);
        process.exitCode = code;
      };

      const known = new Set(rules.map((r) => r.id));
      const unknown = options.allow.filter((id) => !known.has(id));
      if (unknown.length) cmd.error(`error: --allow: unknown rule id ${unknown.join(', ')} (see pgsafe check --list-rules)`, { exitCode: 2 });
      const config = await commandConfig(cmd, options.config);
      const url = options.databaseUrl ?? process.env.DATABASE_URL;
      if (!options.dryRun && !url) cmd.error('error: no database: give --database-url or set DATABASE_URL (or use --dry-run)', { exitCode: 2 });

      let source: string;
      try {
        source = file === '-' ? await readStdin() : readMigrationSource(file);
      } catch (error) {
        return fail(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`, 2);
      }
      const name = file === '-' ? '<stdin>' : file;
      await loadParser();
      let migration;
      try {
        migration = parseMigration(source, name);
      } catch (error) {
        if (!(error instanceof ParseError)) throw error;
        if (json) line({ type: 'error', file: name, line: error.position.line, column: error.position.column, message: error.reason });
        process.stderr.write(formatError({ file: name, line: error.position.line, column: error.position.column, message: error.reason, lineText: error.lineText }, errColors));
        process.exitCode = 2;
        return;
      }

      if (options.html) report = new RunHtmlReport(options.html, migration, url);

      let client: Awaited<ReturnType<typeof openConnection>> | undefined;
      let pgVersion = options.pgVersion ?? config.pgVersion;
      if (!options.dryRun) {
        try {
          client = await openConnection(url!, { applicationName: 'pgsafe' });
        } catch (error) {
          if (error instanceof ConnectionError) return fail(error.message, 2);
          throw error;
        }
        const num = Number((await client.query<{ v: string }>("SELECT current_setting('server_version_num') AS v")).rows[0]!.v);
        const major = Math.floor(num / 10000);
        if (major < OLDEST_PG_VERSION) {
          await client.end().catch(() => {});
          return fail(`PostgreSQL ${major} at ${connectionTarget(url!)} is not supported (${OLDEST_PG_VERSION} or newer)`, 2);
        }
        pgVersion ??= Math.min(major, NEWEST_PG_VERSION);
      }
      pgVersion ??= NEWEST_PG_VERSION;

      try {
        let planned: Plan | undefined;
        let planError: PlanError | undefined;
        try {
          // Flags win over the config file's "run" section, which wins over the defaults.
          const pick = <K extends 'lockTimeout' | 'statementTimeout' | 'longStatementTimeout' | 'retries' | 'retryBudget'>(key: K) =>
            options[key] !== undefined ? { [key]: options[key] } : config.run?.[key] !== undefined ? { [key]: config.run[key] } : {};
          planned = makePlan(migration, {
            pgVersion,
            ...pick('lockTimeout'),
            ...pick('statementTimeout'),
            ...pick('longStatementTimeout'),
            ...pick('retries'),
            ...pick('retryBudget'),
          });
        } catch (error) {
          if (!(error instanceof PlanError)) throw error;
          planError = error;
        }

        // The rules judge the statements grouped into transactions the way the plan will run them (a backfill the
        // plan puts in the same transaction as DDL is flagged). The executor sets the timeouts and adds
        // IF [NOT] EXISTS itself, so those two concerns are its own.
        // With the connection, the tables are measured: a size-dependent danger on an empty table is let through,
        // on a small one it is a warning that prints the size (run.largeTableRows).
        const largeTableRows = config.run?.largeTableRows ?? LARGE_TABLE_ROWS;
        const live = client ? liveContext((sql, params) => client!.query(sql, params), largeTableRows) : {};
        const { findings, passed } = await new DeployBatch({ largeTableRows, ...live }).judge(name, migration, {
          ...analyzeOptionsFrom(config, { pgVersion, runnerSetsTimeouts: true }),
          severities: { ...config.rules, 'prefer-robust-stmts': 'off' },
          ...(planned ? { transactions: planTransactions(planned, migration.statements.length) } : {}),
        });
        const blocking = findings.filter((f) => f.severity === 'error' && !options.allow.includes(f.rule));
        reportFindings(findings, blocking, source, json, c, line);
        reportPassed(passed, json, c, line);
        report?.checked(findings, planned, planError);

        if (!planned) {
          const error = planError!;
          report?.notRunBecause('not-run', `not run: it cannot run as written: line ${error.position.line}: ${error.reason}`);
          if (json) line({ type: 'refused', reason: 'plan', file: error.file, line: error.position.line, column: error.position.column, message: error.reason });
          process.stderr.write(`${errColors.bold(`${error.file}:${error.position.line}:${error.position.column}`)}: ${errColors.red(errColors.bold('error'))}: ${error.reason}\n`);
          process.exitCode = 1;
          return;
        }

        if (options.dryRun) {
          report?.notRunBecause(blocking.length ? 'refused' : 'not-run', blocking.length ? refusalMessage(blocking) : 'dry run: nothing was run; below is what pgsafe run would do');
          if (json) line({ type: 'plan', plan: planned });
          else out.write(formatPlan(planned, c));
          if (blocking.length) {
            refusal(blocking, json, c, line);
            process.exitCode = 1;
          }
          return;
        }
        if (blocking.length) {
          report?.notRunBecause('refused', refusalMessage(blocking));
          refusal(blocking, json, c, line);
          process.exitCode = 1;
          return;
        }
        await report?.readTables();

        if (json) line({ type: 'plan', plan: planned });
        else out.write(`${c.bold(`Running ${name}`)} on ${connectionTarget(url!)}: ${planSummary(planned)}\n`);
        // A lock_timeout the migration sets itself is used as written: a long one on a step that blocks traffic
        // lets every query on the table queue behind the waiting statement that long.
        for (const step of planned.steps) {
          if (step.lockTimeoutMs <= Math.max(LONGEST_MIGRATION_LOCK_TIMEOUT_MS, planned.options.lockTimeoutMs) || !step.targets.some((t) => t.blocksTraffic && !t.newTable)) continue;
          const tables = [...new Set(step.targets.filter((t) => t.blocksTraffic).map((t) => t.table.sql))].join(', ');
          const message = `step ${step.id} (line ${step.lines[0]}): the migration sets lock_timeout ${formatDuration(step.lockTimeoutMs)}: while the step waits for its lock on ${tables}, every query on it waits behind, up to that long (pgsafe's default is ${PLAN_DEFAULTS.lockTimeout}; remove the SET to use it)`;
          if (json) line({ type: 'warning', message });
          else out.write(c.yellow(`warning: ${message}`) + '\n');
        }

        const controller = new AbortController();
        // SIGTERM (CI runners, Kubernetes) is handled like Ctrl-C: cancel, roll back, clean up, then exit 128+signal.
        let signalled: NodeJS.Signals | undefined;
        const onSignal = (sig: NodeJS.Signals) => {
          const code = sig === 'SIGTERM' ? 143 : 130;
          if (signalled) process.exit(code);
          signalled = sig;
          process.stderr.write(`\npgsafe: ${sig === 'SIGINT' ? 'interrupted' : `got ${sig}`}: cancelling the running statement, rolling back and cleaning up (${sig === 'SIGINT' ? 'Ctrl-C' : sig} again to quit now)\n`);
          controller.abort();
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
        const journalName = options.name ?? (file === '-' ? undefined : relative(process.cwd(), resolve(file)).split('\\').join('/'));
        const sink = json ? jsonSink(out) : prettySink(out, c);
        let result: ExecuteResult;
        try {
          result = await execute(planned, {
            client: client!,
            monitor: url!,
            signal: controller.signal,
            ...(options.lockWait !== undefined ? { lockWaitMs: options.lockWait } : {}),
            ...(journalName ? { journal: { name: journalName, ...(options.restart ? { restart: true } : {}) } } : {}),
            policy: { preflight: { mode: options.preflight ?? config.run?.preflight ?? 'wait' } },
            onEvent: (e) => {
              report?.event(e);
              sink.event(e);
            },
          });
        } finally {
          sink.close();
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
        }
        report?.finished(result);
        if (json) line({ type: 'result', result });
        else out.write(resultSummary(result, planned, c));
        if (signalled && result.status !== 'completed') process.stderr.write(`pgsafe: stopped by ${signalled}: ${result.steps.filter((s) => s.status === 'committed' || s.status === 'already-applied').length} of ${planned.steps.length} steps are applied\n`);
        process.exitCode = result.status === 'completed' ? 0 : signalled === 'SIGTERM' ? 143 : signalled ? 130 : 1;
      } finally {
        await client?.end().catch(() => {});
        report?.write();
      }
    });
}

function reportFindings(findings: Finding[], blocking: Finding[], source: string, json: boolean, c: Palette, line: (o: unknown) => void): void {
  for (const f of findings) {
    const allowed = f.severity === 'error' && !blocking.includes(f);
    if (json) {
      line({ type: 'finding', allowed, finding: f });
    } else if (blocking.includes(f)) {
      process.stdout.write(renderFinding(f, source, c) + '\n\n');
    } else {
      const tag = allowed ? c.yellow(`error[${f.rule}] (allowed by --allow)`) : c.yellow(`warning[${f.rule}]`);
      const size = (f.live ?? []).filter((x) => x.kind === 'table').map((x) => ` (${x.text})`).join('');
      process.stdout.write(`${c.bold(`${f.file}:${f.start.line}:${f.start.column}`)} ${tag} ${f.message}${size}\n`);
    }
  }
}

function reportPassed(passed: PassedFinding[], json: boolean, c: Palette, line: (o: unknown) => void): void {
  for (const p of passed) {
    if (json) line({ type: 'passed', finding: p.finding, reason: p.reason });
    else process.stdout.write(`${c.bold(`${p.finding.file}:${p.finding.start.line}:${p.finding.start.column}`)} ${c.dim(`let through [${p.finding.rule}]`)} ${p.reason}\n`);
  }
}

function refusalMessage(blocking: Finding[]): string {
  const ids = [...new Set(blocking.map((f) => f.rule))];
  return `refused: ${blocking.length} error-level finding${blocking.length === 1 ? '' : 's'} (${ids.join(', ')}). Fix the migration, or accept the risk with ${ids.map((id) => `--allow ${id}`).join(' ')}.`;
}

function refusal(blocking: Finding[], json: boolean, c: Palette, line: (o: unknown) => void): void {
  const ids = [...new Set(blocking.map((f) => f.rule))];
  const message = refusalMessage(blocking);
  if (json) line({ type: 'refused', reason: 'findings', rules: ids, message });
  else process.stdout.write(c.red(c.bold(message)) + '\n');
}

function planSummary(p: Plan): string {
  const counts = new Map<string, number>();
  for (const s of p.steps) counts.set(kindLabel(s.kind), (counts.get(kindLabel(s.kind)) ?? 0) + 1);
  const kinds = [...counts].map(([k, n]) => `${n} × ${k}`).join(', ');
  return `${p.steps.length} step${p.steps.length === 1 ? '' : 's'}${kinds ? ` (${kinds})` : ''}, lock_timeout ${formatDuration(p.options.lockTimeoutMs)}`;
}

function resultSummary(result: ExecuteResult, p: Plan, c: Palette): string {
  const committed = result.steps.filter((s) => s.status === 'committed').length;
  const already = result.steps.filter((s) => s.status === 'already-applied').length;
  const retries = result.steps.reduce((n, s) => n + Math.max(0, s.attempts.length - 1), 0);
  const waited = result.steps.reduce((n, s) => n + s.preflightWaitMs, 0);
  const warnings = result.skipped.map((k) => c.yellow(`  warning: ${p.file}:${k.line}: step ${k.step} did nothing: ${k.message} (IF [NOT] EXISTS)`));
  const skippedNote = result.skipped.length ? `, ${result.skipped.length} statement${result.skipped.length === 1 ? '' : 's'} skipped by IF [NOT] EXISTS` : '';
  if (result.status === 'completed') {
    if (committed === 0 && already === p.steps.length) return c.bold(`already applied: all ${already} steps were committed by an earlier run; nothing was run (--restart runs it again)`) + '\n';
    const extra = [already ? `${stepRange(1, already)} applied by an earlier run` : '', retries ? `${retries} lock-timeout retr${retries === 1 ? 'y' : 'ies'}` : '', waited ? `waited ${formatDuration(waited)} for blocking sessions` : ''].filter(Boolean).join(', ');
    return [c.bold(`completed: ${committed}/${p.steps.length} steps committed in ${formatDuration(result.ms)}${extra ? ` (${extra})` : ''}${skippedNote}`), ...warnings].join('\n') + '\n';
  }
  const e = result.error!;
  const where = e.statement ? `${p.file}:${e.statement.line}:${e.statement.column}: ` : '';
  const lines = [c.red(c.bold(`FAILED${e.step ? ` at step ${e.step}` : ''}: ${where}${e.message}${e.code ? ` [${e.code}]` : ''}`))];
  if (e.detail) lines.push(`  detail: ${e.detail}`);
  if (e.hint) lines.push(`  hint: ${e.hint}`);
  lines.push(...warnings);
  const applied = committed + already;
  if (e.step === 0) {
    if (already) lines.push(`  ${stepRange(1, already)} stay${already === 1 ? 's' : ''} applied from an earlier run.`);
  } else if (applied === 0) {
    lines.push('  nothing was applied.');
  } else {
    lines.push(`  applied: ${stepRange(1, applied)} of ${p.steps.length}${already ? ` (${stepRange(1, already)} by an earlier run)` : ''}; not applied: ${stepRange(applied + 1, p.steps.length)}.`);
    lines.push(
      result.journal
        ? `  to continue: fix the cause and run the same command again: it resumes at step ${applied + 1} (recorded in pgsafe.migration_runs as "${result.journal.name}"; --restart starts over).`
        : '  no run journal: running the migration again repeats those steps (IF NOT EXISTS / IF EXISTS skip what they can).',
    );
  }
  return lines.join('\n') + '\n';
}
