import { analyze } from '../analyze.js';
import type { Finding, Severity } from '../finding.js';
import { LIVE_CHECKS } from '../live/enrich.js';
import { loadParser, parseMigration } from '../parse.js';
import { examples } from '../rules/examples/index.js';
import { rules } from '../rules/index.js';
import { SUPPRESSION_CHECKS } from '../suppressions.js';
import type { RuleExample } from './example.js';

/** What the registry says about a rule, a pgsafe-ignore check or a live-database check. */
export interface RuleInfo {
  id: string;
  severity: Severity;
  summary: string;
  /** Runs only when the config gives it a severity (or `--rule` names it). */
  optIn: boolean;
  /** About pgsafe-ignore comments themselves (unused-ignore, ignore-without-reason). */
  aboutIgnores: boolean;
  /** Reported only with `check --database-url`. */
  live: boolean;
}

/** Everything a rule's page shows. */
export interface RuleDoc {
  rule: RuleInfo;
  example: RuleExample;
  /** What `pgsafe check --rule <id>` reports for the bad example (everything, for the checks about pgsafe-ignore
   *  comments: the rule a comment names must run too); none for live-only checks. */
  findings: Finding[];
  /** The first of them from this rule: the one the page explains. */
  finding?: Finding;
}

/** The file name the examples are checked under, as the pages show it. */
export const EXAMPLE_FILE = 'migration.sql';

/** Every rule and check, in the order `--list-rules` prints them. */
export function ruleInfos(): RuleInfo[] {
  return [
    ...rules.map((r) => ({ id: r.id, severity: r.severity, summary: r.summary, optIn: !!r.optIn, aboutIgnores: false, live: false })),
    ...SUPPRESSION_CHECKS.map((c) => ({ id: c.id, severity: c.severity, summary: c.summary, optIn: false, aboutIgnores: true, live: false })),
    ...LIVE_CHECKS.map((c) => ({ id: c.id, severity: c.severity, summary: c.summary, optIn: false, aboutIgnores: false, live: true })),
  ];
}

/** The page of one rule: its registry entry, its examples, and what it reports on the bad one. Throws when the
 *  examples are missing or the rule does not report its bad example: a page must show a real finding. */
export async function ruleDoc(id: string): Promise<RuleDoc> {
  const rule = ruleInfos().find((r) => r.id === id);
  const example = examples[id];
  if (!rule) throw new Error(`no rule ${id}`);
  if (!example) throw new Error(`rule ${id} has no examples (packages/core/src/rules/examples/${id}.ts)`);
  if (rule.live) return { rule, example, findings: [] };
  await loadParser();
  // As `pgsafe check --rule <id>` runs: this rule alone (opt-in or not), the checks of ignore comments off.
  const selection = rule.aboutIgnores ? {} : { rules: rules.filter((r) => r.id === id), severities: { 'unused-ignore': 'off', 'ignore-without-reason': 'off' } as const };
  const findings = analyze(parseMigration(example.bad, EXAMPLE_FILE), { ...example.options, ...selection });
  const finding = findings.find((f) => f.rule === id);
  if (!finding) throw new Error(`rule ${id} does not report its bad example (packages/core/src/rules/examples/${id}.ts)`);
  return { rule, example, findings, finding };
}

export async function ruleDocs(): Promise<RuleDoc[]> {
  return Promise.all(ruleInfos().map((r) => ruleDoc(r.id)));
}
