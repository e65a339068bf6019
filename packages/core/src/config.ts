import { rules } from './rules/index.js';
import { SUPPRESSION_CHECKS } from './suppressions.js';
import { NEWEST_PG_VERSION, OLDEST_PG_VERSION, type AnalyzeOptions } from './options.js';
import type { Severity } from './finding.js';

/** The project's pgsafe settings (pgsafe.config.json / .mjs / .js, found upward from the working directory). */
export interface PgsafeConfig {
  /** Target PostgreSQL major version (default: the newest supported). */
  pgVersion?: number;
  /** Per rule: a severity, or 'off'. */
  rules?: Record<string, Severity | 'off'>;
  /** The migration runner wraps each file in a transaction. */
  assumeInTransaction?: boolean;
  /** The migration runner sets lock_timeout and statement_timeout itself. */
  runnerSetsTimeouts?: boolean;
}

/** Typed helper for pgsafe.config.mjs: `export default defineConfig({ ... })`. */
export function defineConfig(config: PgsafeConfig): PgsafeConfig {
  return config;
}

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'ConfigError';
  }
}

const KEYS = new Set(['$schema', 'pgVersion', 'rules', 'assumeInTransaction', 'runnerSetsTimeouts']);
const RULE_IDS = new Set<string>([...rules.map((r) => r.id), ...SUPPRESSION_CHECKS.map((c) => c.id)]);

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
  return config as PgsafeConfig;
}

/** Analyzer options from a config, with explicit options (command-line flags) taking precedence. */
export function analyzeOptionsFrom(config: PgsafeConfig, explicit: AnalyzeOptions = {}): AnalyzeOptions {
  const defined = <T>(v: T | undefined, fallback: T | undefined) => (v === undefined ? fallback : v);
  return {
    pgVersion: defined(explicit.pgVersion, config.pgVersion),
    assumeInTransaction: defined(explicit.assumeInTransaction, config.assumeInTransaction),
    runnerSetsTimeouts: defined(explicit.runnerSetsTimeouts, config.runnerSetsTimeouts),
    severities: { ...config.rules, ...explicit.severities },
  };
}
