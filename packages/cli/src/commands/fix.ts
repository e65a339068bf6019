import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { createTwoFilesPatch } from 'diff';
import { analyzeOptionsFrom, decodeSourceBytes, migrationModuleFormat, encodeSourceBytes, fix, FIX_DEFAULTS, historySchema, loadParser, parseMigration, ParseError, type ParsedMigration, renderKnexMigrations, renderMikroOrmMigrations, renderPrismaMigrations, renderRunFiles, renderTypeormMigrations, type FixFile, type FixResult, type Verdict } from '@pgsafe/core';
import { pgVersionArg, positiveArg, timeoutTextArg } from '../option-args.js';
import { earlierMigrations, FixVerifier } from '../fix-verify.js';
import { formatError } from '../output/pretty.js';
import { commandConfig } from '../config-file.js';
import { colorEnabled, palette } from '../color.js';

const RUNNERS = ['run', 'prisma', 'knex', 'typeorm', 'mikro-orm'] as const;
type Runner = (typeof RUNNERS)[number];

interface FixCommandOptions {
  runner: Runner;
  write?: boolean;
  json?: boolean;
  pgVersion?: number;
  value: Record<string, string>;
  type: Record<string, string>;
  lockTimeout: string;
  statementTimeout: string;
  batchSize: number;
  key?: string;
  runnerSetsTimeouts?: boolean;
  config?: string;
  color?: boolean;
  verify: boolean;
  scratchUrl?: string;
}

function collectValue(raw: string, values: Record<string, string>): Record<string, string> {
  const eq = raw.indexOf('=');
  if (eq <= 0 || eq === raw.length - 1) throw new InvalidArgumentError('expected [table.]column=<sql>');
  return { ...values, [raw.slice(0, eq)]: raw.slice(eq + 1) };
}

export function fixCommand(): Command {
  return new Command('fix')
    .description('Rewrite a migration into its safe, equivalent form (prints a unified diff; --write applies it).')
    .argument('<files...>', 'SQL migration files (with --runner prisma: prisma/migrations/<name>/migration.sql)')
    .addOption(new Option('--runner <runner>', 'who runs the result: run (pgsafe run: one file per deploy), prisma (one migration directory per step), knex or typeorm (one migration per deploy, beside the .sql; typeorm: named <timestamp>-<Name>.sql), mikro-orm (one migration class per step, beside the .sql: named Migration<timestamp>[_<name>].sql); ORM migrations are written as the newest migration of the folder is (.ts, .mjs, .cjs, ES module or CommonJS .js), else as the type of the nearest package.json says').choices(RUNNERS).default('run'))
    .option('-w, --write', 'write the fixed files instead of printing the diff')
    .option('--json', 'print the changes, to-dos and fixed files as JSON; with --write, also whether they were written and the proof\'s verdict')
    .option('--pg-version <major>', 'target PostgreSQL major version', pgVersionArg)
    .option('--value <column=sql>', 'value for the existing rows of an added NOT NULL column, e.g. orders.status="\'new\'" (repeatable)', collectValue, {})
    .option('--type <column=type>', 'type of a renamed column the migration does not define, e.g. users.name=text (repeatable)', collectValue, {})
    .option('--lock-timeout <duration>', 'lock_timeout to set when the migration sets none', timeoutTextArg, FIX_DEFAULTS.lockTimeout)
    .option('--statement-timeout <duration>', 'statement_timeout to set when the migration sets none', timeoutTextArg, FIX_DEFAULTS.statementTimeout)
    .option('--batch-size <rows>', 'rows per backfill batch', positiveArg, FIX_DEFAULTS.batchSize)
    .option('--key <column>', 'unique, indexed column the batched backfill walks (default: the primary key the migrations define, else id)')
    .option('--runner-sets-timeouts', 'do not add lock_timeout / statement_timeout (the runner sets them)')
    .option('--config <file>', 'config file (default: the nearest pgsafe.config.* upward): its pgVersion and rules apply')
    .option('--no-verify', 'with --write: write without first proving on a scratch server that the fixed deploys end as the original does')
    .option('--scratch-url <url>', 'with --write: a server where the proof may create and drop databases (default: a throwaway embedded PostgreSQL)')
    .option('--no-color', 'never color the output')
    .addHelpText(
      'after',
      `\nWith --write, the rewrite is proven first: on a scratch server, the folder's earlier migrations and a few sample rows,\nthen the original on one copy and every fixed deploy in order on another; their schemas and rows must end equal, or\nthe file is not written and the differences are shown (exit 1).\n\nExit codes: 0 nothing left to do, 1 a value or type to fill in (<value> placeholders), an error-level finding no fix\nhandles, or a rewrite the proof refused, 2 usage or parse errors.\n\nExamples:\n  pgsafe fix db/042_orders.sql\n  pgsafe fix db/042_orders.sql --value orders.status="'new'" --write\n  pgsafe fix --runner prisma prisma/migrations/20260101000000_orders/migration.sql --write\n  pgsafe fix --runner mikro-orm migrations/Migration20260101000000_orders.sql --value orders.status="'new'" --write`,
    )
    .action(async (files: string[], options: FixCommandOptions, cmd: Command) => {
      await loadParser();
      const config = await commandConfig(cmd, options.config);
      const analyzeOptions = analyzeOptionsFrom(config, { pgVersion: options.pgVersion, ...(options.runnerSetsTimeouts ? { runnerSetsTimeouts: true } : {}) });
      const c = palette(colorEnabled(process.stdout, options.color));
      const err = palette(colorEnabled(process.stderr, options.color));
      const reports: object[] = [];
      let incomplete = false;
      let failed = false;
      const verifier = options.write && options.verify ? new FixVerifier(options.scratchUrl) : undefined;
      try {
        for (const file of files) {
          let source: string;
          try {
            // Bytes, not 'utf8': a LATIN1 file's non-UTF-8 bytes must come back as they were, not as U+FFFD.
            source = decodeSourceBytes(readFileSync(file));
          } catch {
            cmd.error(`error: cannot read ${file}`, { exitCode: 2 });
          }
          let result: FixResult;
          let migration: ParsedMigration | undefined;
          const earlier = earlierMigrations(file, options.runner);
          try {
            migration = parseMigration(source!, file);
            result = fix(migration, {
              ...(earlier ? { schema: historySchema(earlier, migration) } : {}),
              ...(analyzeOptions.pgVersion ? { pgVersion: analyzeOptions.pgVersion } : {}),
              ...(analyzeOptions.severities ? { severities: analyzeOptions.severities } : {}),
              values: options.value,
              types: options.type,
              lockTimeout: options.lockTimeout,
              statementTimeout: options.statementTimeout,
              batchSize: options.batchSize,
              ...(options.key ? { key: options.key } : {}),
              runnerSetsTimeouts: !!analyzeOptions.runnerSetsTimeouts,
            });
          } catch (error) {
            if (!(error instanceof ParseError)) throw error;
            process.stderr.write(formatError({ file, line: error.position.line, column: error.position.column, message: error.reason, lineText: error.lineText }, err));
            failed = true;
            continue;
          }
          let outputs: FixFile[];
          try {
            outputs = output(result, file, options.runner);
          } catch (error) {
            if (!(error instanceof RangeError)) throw error;
            cmd.error(`error: ${error.message}`, { exitCode: 2 });
          }
          incomplete ||= result.todos.length > 0 || result.unfixed.length > 0;
          // With --write the files are written whatever the output format; --json reports whether they were.
          let written = false;
          let proof: Verdict | undefined;
          if (options.write) {
            proof = verifier && result.changes.length ? await verifier.verify(migration!, result, earlier) : undefined;
            if (proof?.status === 'different' || proof?.status === 'failed') {
              incomplete = true;
              if (!options.json) {
                process.stderr.write(summary(result, outputs, file, false, err));
                process.stderr.write(refusal(file, proof, err));
                continue;
              }
            } else {
              if (proof && !options.json) process.stderr.write(proof.status === 'equal' ? `${file}: proven on a scratch server: the fixed deploys end with the schema and rows of the original.\n` : `${file}: ${err.yellow('not proven')}: ${proof.reason}.\n`);
              for (const o of outputs) {
                if (o.sql === source! && o.path === file) continue;
                mkdirSync(dirname(o.path), { recursive: true });
                writeFileSync(o.path, encodeSourceBytes(o.sql));
                written = true;
              }
            }
          }
          if (options.json) {
            reports.push({
              file,
              runner: options.runner,
              changes: result.changes,
              todos: result.todos,
              deploys: result.deploys,
              unfixed: result.unfixed.map((f) => ({ rule: f.rule, line: f.start.line, message: f.message })),
              files: outputs.map((o) => ({ path: o.path, deploy: o.deploy, sql: o.sql })),
              ...(options.write ? { written, ...(proof ? { proof } : {}) } : {}),
            });
          } else if (!options.write) {
            for (const o of outputs) {
              const before = o.path === file ? source! : '';
              if (o.path === file && before === o.sql) continue;
              process.stdout.write(colorDiff(createTwoFilesPatch(before ? file : '/dev/null', o.path, before, o.sql, '', '', { context: 3 }), c));
            }
          }
          if (!options.json) process.stderr.write(summary(result, outputs, file, !!options.write, err));
        }
        if (options.json) process.stdout.write(`${JSON.stringify(files.length === 1 && reports.length === 1 ? reports[0] : reports, null, 2)}\n`);
        process.exitCode = failed ? 2 : incomplete ? 1 : 0;
      } finally {
        await verifier?.stop();
      }
    });
}

/** Files for the runner, with paths as written to disk. */
function output(result: FixResult, file: string, runner: Runner): FixFile[] {
  if (runner === 'run') return renderRunFiles(result, file);
  if (runner === 'prisma') {
    // prisma/migrations/<name>/migration.sql: the paths are relative to prisma/migrations.
    const dir = dirname(file);
    return renderPrismaMigrations(result, basename(dir)).map((f) => ({ ...f, path: join(dirname(dir), f.path) }));
  }
  const name = basename(file).replace(/\.sql$/, '');
  // The files load where the project's own migrations do: their module format, TypeScript where they are.
  const format = migrationModuleFormat(dirname(file));
  const files = runner === 'knex' ? renderKnexMigrations(result, name, format) : runner === 'typeorm' ? renderTypeormMigrations(result, name, format) : renderMikroOrmMigrations(result, name, format);
  return files.map((f) => ({ ...f, path: join(dirname(file), f.path) }));
}

function refusal(file: string, verdict: Verdict, c: ReturnType<typeof palette>): string {
  const lines = [`${c.bold(file)}: ${c.red(c.bold('not written'))}: the fixed deploys do not end as the original does on a scratch server:`];
  if (verdict.status === 'failed') lines.push(`  step ${verdict.step} fails: ${verdict.error}`);
  if (verdict.status === 'different') lines.push(...verdict.differences.slice(0, 20).map((d) => `  ${d}`), ...(verdict.differences.length > 20 ? [`  ... and ${verdict.differences.length - 20} more`] : []));
  lines.push('  (--no-verify writes it all the same)');
  return `${lines.join('\n')}\n`;
}

function colorDiff(patch: string, c: ReturnType<typeof palette>): string {
  // The first two lines (=== and the index line) of jsdiff's patch format are not part of a unified diff.
  const lines = patch.split('\n').slice(patch.startsWith('Index:') || patch.startsWith('===') ? 1 : 0);
  return lines
    .filter((l) => !/^={10,}$/.test(l))
    .map((l) => (l.startsWith('+++') || l.startsWith('---') ? c.bold(l) : l.startsWith('+') ? c.cyan(l) : l.startsWith('-') ? c.red(l) : l.startsWith('@@') ? c.dim(l) : l))
    .join('\n');
}

function summary(result: FixResult, outputs: FixFile[], file: string, wrote: boolean, c: ReturnType<typeof palette>): string {
  const lines: string[] = [];
  if (!result.changes.length) lines.push(`${file}: nothing to fix.`);
  for (const change of result.changes) lines.push(`${c.bold(`${file}:${change.line}`)}: ${change.message} ${c.dim(`[${change.rule}]`)}`);
  for (const todo of result.todos) lines.push(`${c.bold(`${file}:${todo.line}`)}: ${c.yellow(c.bold('to do'))}: ${todo.message}`);
  for (const f of result.unfixed) lines.push(`${c.bold(`${file}:${f.start.line}`)}: ${c.red(c.bold('not fixed'))}: ${f.message} ${c.dim(`[${f.rule}]`)}`);
  if (result.deploys.length > 1) {
    lines.push(`${result.deploys.length} deploys:`);
    for (const d of result.deploys) lines.push(`  deploy ${d.deploy}: ${outputs.filter((o) => o.deploy === d.deploy).map((o) => o.path).join(', ')}${d.before ? ` (before it, the application must: ${d.before})` : ''}`);
  }
  if (wrote && result.changes.length) lines.push(`Wrote ${outputs.map((o) => o.path).join(', ')}.`);
  return `${lines.join('\n')}\n`;
}
