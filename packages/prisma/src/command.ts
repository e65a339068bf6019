/**
 * `pgsafe prisma <args>` / `pgsafe-prisma <args>`: `migrate deploy` and `migrate dev` are guarded, every other
 * Prisma command runs the project's Prisma CLI untouched and exits with its code.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import pc from 'picocolors';
import { ConfigError, ConnectionError, loadConfig, parseDuration, rules } from '@pgsafe/core';
import { PrismaMigrateError } from './bookkeeping.js';
import { deploy, type DeployResult } from './deploy.js';
import { migrateDev } from './dev.js';
import { MigrationsFolderError } from './migrations.js';
import { streamsOutput, type Output } from './output.js';
import { PrismaNotFoundError, runPrisma } from './passthrough.js';
import { loadProject, ProjectError } from './project.js';

export interface GuardedOptions {
  schema?: string;
  config?: string;
  pgsafeConfig?: string;
  allow: string[];
  lockWait?: number;
  preflight?: 'wait' | 'abort' | 'off';
  color?: boolean;
}

function durationArg(value: string): number {
  try {
    return parseDuration(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

function collectRules(value: string, previous: string[]): string[] {
  const ids = value.split(',').map((s) => s.trim()).filter(Boolean);
  const known = new Set(rules.map((r) => r.id));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length) throw new InvalidArgumentError(`unknown rule id ${unknown.join(', ')} (see pgsafe check --list-rules)`);
  return [...previous, ...ids];
}

/** The options both guarded commands share: Prisma's `--schema`/`--config`, and pgsafe's own. */
function guardedOptions(cmd: Command): Command {
  return cmd
    .option('--schema <path>', "Prisma schema file or folder (as for prisma; default: the config's, or prisma/schema.prisma)")
    .option('--config <file>', 'Prisma config file (as for prisma; default: prisma7.config.* or prisma.config.*)')
    .option('--pgsafe-config <file>', 'pgsafe config file (default: the nearest pgsafe.config.* upward)')
    .option('--allow <rule-id>', 'apply despite error-level findings of this rule (repeat, or comma-separate)', collectRules, [])
    .option('--lock-wait <duration>', "how long to wait for Prisma's advisory lock held by another migration run (default: until it ends)", durationArg)
    .addOption(new Option('--preflight <mode>', 'when sessions would block a step: wait for them, abort, or do not check').choices(['wait', 'abort', 'off']))
    .option('--no-color', 'never color the output');
}

export function migrateDeployCommand(cwd: () => string = process.cwd): Command {
  return guardedOptions(new Command('deploy'))
    .description('prisma migrate deploy, guarded: check every pending migration, refuse unsafe ones, run the rest with timeouts, retries and CONCURRENTLY steps outside transactions, and record them in _prisma_migrations as Prisma does.')
    .option('--verbose', 'every finding in full (by default a refusal groups them by rule: count, first example, places)')
    .addOption(new Option('--format <format>', 'text, or json: the outcome and every finding as one JSON document on stdout').choices(['text', 'json']).default('text'))
    .action(async (options: GuardedOptions & { verbose?: boolean; format: 'text' | 'json' }) => {
      const json = options.format === 'json';
      const text = output(options);
      // JSON: the progress goes to stderr, stdout holds the document alone.
      const out: Output = json ? { c: text.c, say: text.warn, warn: text.warn } : text;
      process.exitCode = await guarded(out, async () => {
        const project = await loadProject({ cwd: cwd(), ...pick(options, 'config', 'schema') });
        const url = requireUrl(project.url, 'migrate deploy');
        const { config } = await loadConfig(cwd(), options.pgsafeConfig);
        const result = await withInterrupt(out, (signal) =>
          deploy({ migrationsDir: project.migrationsDir, url, config, allow: options.allow, ...deployPolicy(options), out, signal, verbose: !!options.verbose }),
        );
        if (json) process.stdout.write(`${JSON.stringify(deployJson(result), null, 2)}\n`);
        return result.status === 'applied' || result.status === 'up-to-date' ? 0 : 1;
      });
    });
}

export interface DevOptions extends GuardedOptions {
  name?: string;
  createOnly?: boolean;
  url?: string;
  rewrite?: boolean;
  /** Prisma's own options pgsafe does not know, passed to `prisma migrate dev --create-only`. */
  passThrough?: string[];
}

export function migrateDevCommand(cwd: () => string = process.cwd): Command {
  return guardedOptions(new Command('dev'))
    .description('prisma migrate dev, guarded: apply pending migrations through pgsafe, let Prisma create the new migration (--create-only), check it, offer the safe rewrite, then apply it through pgsafe.')
    .option('-n, --name <name>', 'name of the new migration (as for prisma)')
    .option('--create-only', 'create and check the new migration, do not apply it (as for prisma)')
    .option('--url <url>', 'database URL instead of the config datasource (as for prisma)')
    .option('--rewrite', 'apply the safe rewrite without asking')
    .option('--no-rewrite', 'never rewrite the new migration, only report')
    .allowUnknownOption()
    .allowExcessArguments()
    .helpOption('-h, --help', 'this help; other options (e.g. Prisma 6\'s --skip-seed, --skip-generate) are passed to prisma migrate dev')
    .action(async (options: DevOptions, command: Command) => {
      const out = output(options);
      // Options pgsafe does not know are Prisma's (its version decides): passed on to `prisma migrate dev`.
      const passThrough = command.args;
      process.exitCode = await guarded(out, async () => {
        const project = await loadProject({ cwd: cwd(), ...pick(options, 'config', 'schema', 'url') });
        const url = requireUrl(project.url, 'migrate dev');
        const { config } = await loadConfig(cwd(), options.pgsafeConfig);
        return withInterrupt(out, (signal) => migrateDev({ cwd: cwd(), project, url, config, options: { ...options, passThrough }, out, signal, deployPolicy: deployPolicy(options) }));
      });
    });
}

const MIGRATE_HELP = `pgsafe prisma migrate: Prisma's migrate commands, two of them guarded by pgsafe.

  pgsafe prisma migrate deploy   checks every pending migration.sql before any runs, refuses unsafe ones, and runs
                                 the rest with lock timeouts, retries and CONCURRENTLY steps outside transactions,
                                 recording them in _prisma_migrations as Prisma does (--help for its options)
  pgsafe prisma migrate dev      applies pending migrations through pgsafe, lets Prisma write the new one
                                 (--create-only), checks it, offers the safe rewrite, then applies it (--help)
  pgsafe prisma migrate <other>  status, resolve, diff, reset: Prisma's own, untouched

`;

/** The `prisma` command: guarded `migrate deploy` and `migrate dev`, everything else passed through. */
export function prismaCommand(cwd: () => string = process.cwd): Command {
  return new Command('prisma')
    .description('Run the Prisma CLI with pgsafe guarding `migrate deploy` and `migrate dev`; every other command is passed to prisma untouched.')
    .argument('[args...]', 'the prisma command line, e.g. migrate deploy')
    .allowUnknownOption()
    .allowExcessArguments()
    .helpOption(false)
    .passThroughOptions()
    .action(async (args: string[]) => {
      const [first, second, ...rest] = args;
      if (first === 'migrate' && (second === undefined || second === '--help' || second === '-h' || second === 'help')) {
        process.stdout.write(MIGRATE_HELP);
        // Prisma's own help for every migrate command, when its CLI is there.
        process.exitCode = await runPrisma(args, cwd()).catch(() => 0);
        return;
      }
      if (first === 'migrate' && (second === 'deploy' || second === 'dev')) {
        const sub = second === 'deploy' ? migrateDeployCommand(cwd) : migrateDevCommand(cwd);
        await sub.name(`pgsafe prisma migrate ${second}`).exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2)).parseAsync(rest, { from: 'user' });
        return;
      }
      try {
        process.exitCode = await runPrisma(args, cwd());
      } catch (error) {
        if (!(error instanceof PrismaNotFoundError)) throw error;
        process.stderr.write(`pgsafe: error: ${error.message}\n`);
        process.exitCode = 2;
      }
    });
}

/** `--format json`: the outcome, and each refused migration with its findings (as `pgsafe check --format json`
 *  gives them) and the reason it cannot run. */
function deployJson(result: DeployResult) {
  return {
    status: result.status,
    applied: result.applied,
    refused: result.refused.map((m) => ({ name: m.name, file: m.file, findings: m.findings, blocking: m.blocking.map((f) => f.rule), ...(m.problem ? { problem: m.problem } : {}) })),
    ...(result.failed ? { failed: { name: result.failed.name, recorded: result.failed.recorded, error: result.failed.result.error } } : {}),
  };
}

function output(options: { color?: boolean }): Output {
  const color = options.color !== false && !process.env.NO_COLOR && (!!process.env.FORCE_COLOR || process.stdout.isTTY === true);
  return streamsOutput(pc.createColors(color));
}

function pick<T extends object, K extends keyof T>(o: T, ...keys: K[]): { [P in K]?: NonNullable<T[P]> } {
  const r: { [P in K]?: NonNullable<T[P]> } = {};
  for (const k of keys) if (o[k] !== undefined && o[k] !== null) r[k] = o[k] as NonNullable<T[K]>;
  return r;
}

function deployPolicy(options: GuardedOptions): { lockWaitMs?: number; preflight?: 'wait' | 'abort' | 'off' } {
  return { ...(options.lockWait !== undefined ? { lockWaitMs: options.lockWait } : {}), ...(options.preflight ? { preflight: options.preflight } : {}) };
}

function requireUrl(url: string | undefined, command: string): string {
  if (url) return url;
  throw new ProjectError(`no datasource URL for ${command}: set datasource.url in prisma.config.ts (e.g. datasource: { url: env('DATABASE_URL') }, with import 'dotenv/config' if it lives in .env)`);
}

/** Known failures become one clear message and exit 1 (2 for configuration problems), never a stack trace. */
async function guarded(out: Output, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof PrismaMigrateError) {
      out.warn(`${out.c.red(out.c.bold('Error:'))} ${error.message}`);
      return 1;
    }
    if (error instanceof ProjectError || error instanceof MigrationsFolderError || error instanceof ConnectionError || error instanceof PrismaNotFoundError || error instanceof ConfigError) {
      out.warn(`pgsafe: ${out.c.red(out.c.bold('error'))}: ${(error as Error).message}`);
      return 2;
    }
    throw error;
  }
}

/** Ctrl-C cancels the running statement and rolls back (the executor records the failure); a second one quits. */
async function withInterrupt<T>(out: Output, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    if (++interrupts > 1) process.exit(130);
    out.warn('\npgsafe: interrupting: cancelling the running statement and rolling back (Ctrl-C again to quit now)');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    return await run(controller.signal);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

