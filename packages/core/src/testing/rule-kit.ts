/** Helpers for rule tests: findings and their rendered text for a SQL snippet (test-only, not in dist). */
import { checkSql, type AnalyzeRunOptions } from '../analyze.js';
import { renderFinding } from '../report/pretty.js';
import type { Finding } from '../finding.js';

export async function findingsFor(sql: string, options: AnalyzeRunOptions = {}): Promise<Finding[]> {
  return (await checkSql(sql, 'migration.sql', options)).findings;
}

/** Findings of one rule only. */
export async function ruleFindings(rule: string, sql: string, options: AnalyzeRunOptions = {}): Promise<Finding[]> {
  return (await findingsFor(sql, options)).filter((f) => f.rule === rule);
}

/** The findings of one rule, rendered exactly as `pgsafe check` prints them (no color): what a snapshot shows. */
export async function rendered(rule: string, sql: string, options: AnalyzeRunOptions = {}): Promise<string> {
  return (await ruleFindings(rule, sql, options)).map((f) => renderFinding(f, sql)).join('\n\n');
}
