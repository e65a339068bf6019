/** One migration.sql through core: parse, plan, and the rules judged against the transactions the plan will run. */
import { analyzeOptionsFrom, parseMigration, ParseError, plan, planTransactions, PlanError, type DeployBatch, type Finding, type ParsedMigration, type PassedFinding, type PgsafeConfig, type Plan } from '@pgsafe/core';

export interface CheckedMigration {
  name: string;
  file: string;
  source: string;
  migration?: ParsedMigration;
  plan?: Plan;
  findings: Finding[];
  /** Error-level findings not allowed by `--allow`. */
  blocking: Finding[];
  /** Findings the deploy's context let through (an empty table, one created earlier in this deploy), with why. */
  passed: PassedFinding[];
  /** Why it cannot run as written (parse or plan error), with its place in the file. */
  problem?: { line: number; column: number; message: string };
}

export interface CheckOptions {
  config: PgsafeConfig;
  pgVersion: number;
  allow: readonly string[];
}

/** `loadParser()` must have been awaited. The pending migrations are checked in order, as one `batch`. */
export async function checkMigration(name: string, file: string, source: string, options: CheckOptions, batch: DeployBatch): Promise<CheckedMigration> {
  const base = { name, file, source, findings: [], blocking: [], passed: [] };
  let migration: ParsedMigration;
  try {
    migration = parseMigration(source, file);
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    return { ...base, problem: { line: error.position.line, column: error.position.column, message: error.reason } };
  }
  const run = options.config.run ?? {};
  let planned: Plan | undefined;
  let problem: CheckedMigration['problem'];
  try {
    planned = plan(migration, {
      pgVersion: options.pgVersion,
      ...(run.lockTimeout !== undefined ? { lockTimeout: run.lockTimeout } : {}),
      ...(run.statementTimeout !== undefined ? { statementTimeout: run.statementTimeout } : {}),
      ...(run.longStatementTimeout !== undefined ? { longStatementTimeout: run.longStatementTimeout } : {}),
      ...(run.retries !== undefined ? { retries: run.retries } : {}),
      ...(run.retryBudget !== undefined ? { retryBudget: run.retryBudget } : {}),
    });
  } catch (error) {
    if (!(error instanceof PlanError)) throw error;
    problem = { line: error.position.line, column: error.position.column, message: error.reason };
  }
  // As in `pgsafe run`: the executor sets the timeouts and adds IF [NOT] EXISTS, so those concerns are its own.
  const { findings, passed } = await batch.judge(name, migration, {
    ...analyzeOptionsFrom(options.config, { pgVersion: options.pgVersion, runnerSetsTimeouts: true }),
    severities: { ...options.config.rules, 'prefer-robust-stmts': 'off' },
    ...(planned ? { transactions: planTransactions(planned, migration.statements.length) } : {}),
  });
  const blocking = findings.filter((f) => f.severity === 'error' && !options.allow.includes(f.rule));
  return { ...base, migration, findings, blocking, passed, ...(planned ? { plan: planned } : {}), ...(problem ? { problem } : {}) };
}
