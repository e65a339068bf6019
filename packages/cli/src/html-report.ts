/** What the commands share to write the HTML report: findings and plan of one migration, and the file itself. */
import { writeFileSync } from 'node:fs';
import { analyze, plan, PlanError, renderHtmlReport, type AnalyzeOptions, type Finding, type ParsedMigration, type PgsafeConfig, type Plan, type PlanOptions, type ReportModel } from '@pgsafe/core';

export interface Planned {
  findings: Finding[];
  plan?: Plan;
  planError?: PlanError;
}

/** Plan options as `pgsafe run` takes them from the config file's "run" section. */
export function planOptionsFrom(config: PgsafeConfig, pgVersion: number | undefined): PlanOptions {
  const { lockTimeout, statementTimeout, longStatementTimeout, retries, retryBudget } = config.run ?? {};
  const given = { lockTimeout, statementTimeout, longStatementTimeout, retries, retryBudget };
  return { ...(pgVersion !== undefined ? { pgVersion } : {}), ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) };
}

/** The plan the executor would run, or why there is none. */
export function planOf(migration: ParsedMigration, options: PlanOptions): Omit<Planned, 'findings'> {
  try {
    return { plan: plan(migration, options) };
  } catch (error) {
    if (error instanceof PlanError) return { planError: error };
    throw error;
  }
}

/** Findings and plan of a migration that a command (trace, rehearse) did not check itself. */
export function checkAndPlan(migration: ParsedMigration, analyzeOptions: AnalyzeOptions, planOptions: PlanOptions): Planned {
  return { findings: analyze(migration, analyzeOptions), ...planOf(migration, planOptions) };
}

/** Writes the report to `path` (`-`: stdout) at once, synchronously, so that an exiting process still writes it;
 *  says where on stderr (stdout may be JSON). */
export function writeHtmlReport(path: string, model: ReportModel): void {
  const text = renderHtmlReport(model);
  if (path === '-') {
    process.stdout.write(text);
    return;
  }
  writeFileSync(path, text);
  process.stderr.write(`pgsafe: HTML report written to ${path} (${Math.ceil(Buffer.byteLength(text) / 1024)} KB)\n`);
}
