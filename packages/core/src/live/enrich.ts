/** Applies live facts to a migration's findings: attaches them as evidence, drops findings the live database
 *  disproves (a foreign key whose columns are already indexed), and adds an error for a statement the live data
 *  makes fail (rows violating the constraint it adds). */
import type { Finding, Severity } from '../finding.js';
import type { ParsedMigration } from '../parse.js';
import { findSuppressions } from '../suppressions.js';
import type { LiveMigrationFacts, LiveStatementFacts } from './types.js';

/** A finding the live database disproved, with the reason. */
export interface DroppedFinding {
  finding: Finding;
  reason: string;
}

export const LIVE_VIOLATION_RULE = 'live-data-violation';

/** Findings made only with a live database (listed with the rules; configurable and ignorable like them). */
export const LIVE_CHECKS = [
  { id: LIVE_VIOLATION_RULE, severity: 'error', summary: 'With --database-url: the statement fails on the live data (NULLs, violating rows, duplicate keys, rows for a NOT NULL column without default).' },
] as const;

export interface ApplyLiveOptions {
  /** Per-rule severities from the config (`off` drops the live findings). */
  severities?: Record<string, Severity | 'off'>;
}

/** Returns the findings with their facts, the dropped ones, and the facts of statements left without a finding
 *  (so a report can still show them). */
export function applyLiveFacts(
  migration: ParsedMigration,
  findings: Finding[],
  live: LiveMigrationFacts,
  options: ApplyLiveOptions = {},
): { findings: Finding[]; dropped: DroppedFinding[]; downgraded: DroppedFinding[]; unattached: LiveStatementFacts[] } {
  const byStatement = new Map(live.statements.map((s) => [s.statement, s.facts]));
  const dropped: DroppedFinding[] = [];
  const downgraded: DroppedFinding[] = [];
  const kept: Finding[] = [];
  for (const f of findings) {
    const facts = byStatement.get(f.statement.index);
    if (!facts) {
      kept.push(f);
      continue;
    }
    if (f.rule === 'foreign-key-missing-index') {
      const indexed = facts.find((x) => x.kind === 'foreign-key-index' && x.data.index && x.data.offset === f.start.offset) ?? facts.find((x) => x.kind === 'foreign-key-index' && x.data.index);
      if (indexed) {
        dropped.push({ finding: f, reason: indexed.text });
        continue;
      }
    }
    if (f.rule === 'adding-required-field' && f.severity === 'error') {
      const empty = facts.find((x) => x.kind === 'required-column' && x.data.rows === 0 && !x.estimate);
      if (empty) {
        const lowered: Finding = { ...f, severity: 'warning', live: facts };
        downgraded.push({ finding: lowered, reason: empty.text });
        kept.push(lowered);
        continue;
      }
    }
    kept.push({ ...f, live: facts });
  }
  const setting = options.severities?.[LIVE_VIOLATION_RULE];
  const { suppressions } = findSuppressions(migration);
  for (const { statement, facts } of live.statements) {
    const failing = facts.filter((x) => x.fails);
    if (failing.length === 0 || setting === 'off') continue;
    // `-- pgsafe-ignore live-data-violation: <reason>` before the statement (or -file) accepts it.
    if (suppressions.some((s) => s.rules.includes(LIVE_VIOLATION_RULE) && (s.scope === 'file' || s.statementIndex === statement))) continue;
    const stmt = migration.statements[statement]!;
    kept.push({
      rule: LIVE_VIOLATION_RULE,
      severity: setting ?? 'error',
      message: `This statement fails on the live data: ${failing.map((x) => x.headline ?? x.text).join('; ')}.`,
      file: migration.file,
      start: stmt.start,
      statement: { index: stmt.index, text: stmt.text, start: stmt.start, end: stmt.end },
      why: 'PostgreSQL checks the existing rows when it adds a validated constraint, SET NOT NULL or a unique index; one bad row aborts the statement (and the migration), after it has held its lock for the whole scan.',
      recipe: {
        summary: 'Repair the rows first (a backfill in batches, or deduplicate), or add the constraint NOT VALID and VALIDATE it after the repair.',
        sql: failing.map((x) => `-- ${x.text}`).join('\n'),
      },
      live: facts,
    });
  }
  kept.sort((a, b) => a.start.offset - b.start.offset || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
  const withFinding = new Set(kept.map((f) => f.statement.index));
  return { findings: kept, dropped, downgraded, unattached: live.statements.filter((s) => !withFinding.has(s.statement)) };
}
