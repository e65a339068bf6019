import { rules } from './rules/index.js';
import { SUPPRESSION_CHECKS } from './suppressions.js';
import { LIVE_CHECKS } from './live/enrich.js';
import { DEPLOYS, NEWEST_PG_VERSION, OLDEST_PG_VERSION, type AnalyzeOptions, type Deploy } from './options.js';
import type { Severity } from './finding.js';
import { parseDuration, type Duration } from './plan/duration.js';
import { RUNNERS, type RunnerName } from './context/runners.js';
import { ConfigError } from './config-error.js';

/** How `pgsafe run` (and the adapters) execute migrations; command-line flags win. */
export interface RunConfig {
  /** lock_timeout of each step unless the migration sets one (default 2s). */
  lockTimeout?: Duration;
  /** statement_timeout of each step unless the migration sets one (default 1min). */
  statementTimeout?: Duration;
  /** statement_timeout of long steps that block no traffic (CONCURRENTLY builds, VALIDATE); default none. */
  longStatementTimeout?: Duration;
  /** Retries of a step after a lock timeout or deadlock (default 10). */
  retries?: number;
  /** Wall-clock budget of one step's attempts and waits (default 60s). */
  retryBudget?: Duration;
  /** When sessions would block a step: wait for them (default), abort, or don't look. */
  preflight?: 'wait' | 'abort' | 'off';
  /** Rows from which a size-dependent danger (an index build without CONCURRENTLY, a validating scan, a rewrite) is
   *  refused; below it, on a table measured at deploy time, it is a warning that prints the size (default 100,000). */
  largeTableRows?: number;
}

/** The project's pgsafe settings (pgsafe.config.ts / .mts / .json / .mjs / .js, found upward from the working directory). */
export interface PgsafeConfig {
  /** Target PostgreSQL major version (default: the newest supported). */
  pgVersion?: number;
  /** Per rule: a severity, or 'off'. */
  rules?: Record<string, Severity | 'off'>;
  /** The migration runner wraps each file in a transaction. */
  assumeInTransaction?: boolean;
  /** The tool that applies the migration folders `pgsafe check` reads (default: told from the layout): it decides
   *  their order and their transactions. */
  runner?: RunnerName;
  /** The migration runner sets lock_timeout and statement_timeout itself. */
  runnerSetsTimeouts?: boolean;
  /** How the application is deployed around its migrations: `rolling` (default: the previous release still runs) or
   *  `stop-the-app` (it is stopped first, so renames and drops break no running code). */
  deploy?: Deploy;
  /** Execution policy of `pgsafe run`. */
  run?: RunConfig;
}

/** Typed helper for pgsafe.config.mjs: `export default defineConfig({ ... })`. */
export function defineConfig(config: PgsafeConfig): PgsafeConfig {
  return config;
}

export { ConfigError };

const KEYS = new Set(['$schema', 'pgVersion', 'rules', 'assumeInTransaction', 'runnerSetsTimeouts', 'runner', 'deploy', 'run']);
const RUN_DURATIONS = ['lockTimeout', 'statementTimeout', 'longStatementTimeout', 'retryBudget'];
const RUN_KEYS = new Set([...RUN_DURATIONS, 'retries', 'preflight', 'largeTableRows']);
const RULE_IDS = new Set<string>([...rules.map((r) => r.id), ...SUPPRESSION_CHECKS.map((c) => c.id), ...LIVE_CHECKS.map((c) => c.id)]);

/** Checks a loaded config object; unknown keys, unknown rule ids and wrong types are errors naming the file. */
export function validateConfig(value: unknown, file: string): PgsafeConfig {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigError(file, 'the config must be an object');
  const config = value as Record<string, unknown>;
  for (const key of Object.keys(config)) {
    if (!KEYS.has(key)) throw new ConfigError(file, `unknown key "${key}" (known: ${[...KEYS].filter((k) => k !== '$schema').join(', ')})`);
  }
  const { pgVersion, rules: ruleSettings, assumeInTransaction, runnerSetsTimeouts } = config;
  if (pgVersion !== undefined && (!Number.isInteger(pgVersion) || (pgVersion as number) < OLDEST_PG_VERSION || (pgVersion as number) > NEWEST_PG_VERSION)) {
    throw new ConfigError(file, `"pgVersion" must be a PostgreSQL major version from ${OLDEST_PG_VERSION} to ${NEWEST_PG_VERSION}`);
  }
  if (config.runner !== undefined && !(RUNNERS as readonly unknown[]).includes(config.runner)) {
    throw new ConfigError(file, `"runner" must be one of ${RUNNERS.join(', ')}, got ${JSON.stringify(config.runner)}`);
  }
  if (config.deploy !== undefined && !(DEPLOYS as readonly unknown[]).includes(config.deploy)) {
    throw new ConfigError(file, `"deploy" must be one of ${DEPLOYS.join(', ')}, got ${JSON.stringify(config.deploy)}`);
  }
  for (const [key, v] of Object.entries({ assumeInTransaction, runnerSetsTimeouts })) {
    if (v !== undefined && typeof v !== 'boolean') throw new ConfigError(file, `"${key}" must be true or false`);
  }
  if (ruleSettings !== undefined) {
    if (typeof ruleSettings !== 'object' || ruleSettings === null || Array.isArray(ruleSettings)) throw new ConfigError(file, '"rules" must map rule ids to "error", "warning" or "off"');
    for (const [id, setting] of Object.entries(ruleSettings)) {
      if (!RULE_IDS.has(id)) throw new ConfigError(file, `unknown rule "${id}" in "rules" (pgsafe check --list-rules lists them)`);
      if (setting !== 'error' && setting !== 'warning' && setting !== 'off') throw new ConfigError(file, `rule "${id}": expected "error", "warning" or "off", got ${JSON.stringify(setting)}`);
    }
  }
  validateRun(config.run, file);
  return config as PgsafeConfig;
}

function validateRun(run: unknown, file: string): void {
  if (run === undefined) return;
  if (typeof run !== 'object' || run === null || Array.isArray(run)) throw new ConfigError(file, '"run" must be an object');
  for (const [key, value] of Object.entries(run)) {
    if (!RUN_KEYS.has(key)) throw new ConfigError(file, `unknown key "run.${key}" (known: ${[...RUN_KEYS].join(', ')})`);
    if (RUN_DURATIONS.includes(key)) {
      try {
        parseDuration(value as Duration);
      } catch (error) {
        throw new ConfigError(file, `"run.${key}": ${(error as Error).message}`);
      }
    }
  }
  const { retries, preflight, largeTableRows } = run as RunConfig;
  if (retries !== undefined && (!Number.isInteger(retries) || retries < 0)) throw new ConfigError(file, '"run.retries" must be a whole number >= 0');
  if (largeTableRows !== undefined && (!Number.isInteger(largeTableRows) || largeTableRows < 1)) throw new ConfigError(file, '"run.largeTableRows" must be a whole number >= 1');
  if (preflight !== undefined && !['wait', 'abort', 'off'].includes(preflight)) throw new ConfigError(file, '"run.preflight" must be "wait", "abort" or "off"');
}

/** Analyzer options from a config, with explicit options (command-line flags) taking precedence. */
export function analyzeOptionsFrom(config: PgsafeConfig, explicit: AnalyzeOptions = {}): AnalyzeOptions {
  const defined = <T>(v: T | undefined, fallback: T | undefined) => (v === undefined ? fallback : v);
  return {
    pgVersion: defined(explicit.pgVersion, config.pgVersion),
    assumeInTransaction: defined(explicit.assumeInTransaction, config.assumeInTransaction),
    runnerSetsTimeouts: defined(explicit.runnerSetsTimeouts, config.runnerSetsTimeouts),
    severities: { ...config.rules, ...explicit.severities },
    deploy: defined(explicit.deploy, config.deploy),
  };
}
