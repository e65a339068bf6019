import { scanSync } from './pg-parser.js';
import type { ParsedMigration } from './parse.js';
import type { Finding } from './finding.js';
import type { Position } from './source-map.js';

/** `-- pgsafe-ignore <rule>[, <rule>...]: <reason>` on the lines before a statement (or inside it) silences those
 *  rules for that statement; `-- pgsafe-ignore-file ...` for the whole file. A reason is required, so the next reader
 *  knows why the danger was accepted. */
export interface Suppression {
  scope: 'statement' | 'file';
  rules: string[];
  reason: string;
  /** Index of the statement it applies to (statement scope). */
  statementIndex?: number;
  start: Position;
  end: Position;
  text: string;
}

/** Findings the engine itself reports about suppression comments (listed with the rules). */
export const SUPPRESSION_CHECKS = [
  { id: 'unused-ignore', severity: 'warning', summary: 'A pgsafe-ignore comment that silences nothing (wrong rule id, or the danger is gone).' },
  { id: 'ignore-without-reason', severity: 'error', summary: 'A pgsafe-ignore comment without a reason after a colon: it is not applied.' },
] as const;

const COMMENT = /^--[ \t]*pgsafe-ignore(-file)?\b(.*)$/;

/** Finds the suppression comments of a migration; malformed ones are returned as findings. */
export function findSuppressions(migration: ParsedMigration): { suppressions: Suppression[]; problems: Finding[] } {
  const suppressions: Suppression[] = [];
  const problems: Finding[] = [];
  const { source, map, statements } = migration;
  if (!(migration.mentionsIgnore ?? source.includes('pgsafe-ignore'))) return { suppressions, problems };
  // The scanner tells real comments from the same words inside a string or a function body.
  for (const token of scanSync(source).tokens) {
    const match = token.tokenName === 'SQL_COMMENT' ? COMMENT.exec(token.text) : null;
    if (!match) continue;
    const text = token.text.trim();
    const startOffset = map.charOffset(token.start);
    const start = map.position(startOffset);
    const end = map.position(map.charOffset(token.end));
    const [ids = '', ...rest] = (match[2] ?? '').split(':');
    const reason = rest.join(':').trim();
    const rules = ids.split(/[\s,]+/).filter(Boolean);
    const scope = match[1] ? 'file' : 'statement';
    const statement = statements.find((s) => s.end.offset > startOffset);
    if (!reason || rules.length === 0) {
      problems.push(commentFinding(migration.file, 'ignore-without-reason', 'error', { start, end, text }, {
        message: rules.length ? `pgsafe-ignore ${rules.join(', ')} has no reason, so it is not applied.` : 'pgsafe-ignore names no rule, so it is not applied.',
        why: 'An accepted danger needs its reason next to it: the next person to touch this migration (or this table) must know why it was judged safe.',
        summary: 'Name the rules, then a colon and the reason.',
        sql: `-- pgsafe-${scope === 'file' ? 'ignore-file' : 'ignore'} ${rules.join(', ') || '<rule-id>'}: <why this is safe here>`,
      }));
      continue;
    }
    suppressions.push({ scope, rules, reason, start, end, text, ...(scope === 'statement' && statement ? { statementIndex: statement.index } : {}) });
  }
  return { suppressions, problems };
}

/** Removes suppressed findings, and reports each suppressed rule that matched nothing (unless it did not run). */
export function applySuppressions(migration: ParsedMigration, findings: Finding[], suppressions: Suppression[], notRun: ReadonlySet<string> = new Set()): Finding[] {
  const used = new Set<string>();
  const key = (s: Suppression, rule: string) => `${s.start.offset}:${rule}`;
  const kept = findings.filter((f) => {
    const by = suppressions.find(
      (s) => s.rules.includes(f.rule) && (s.scope === 'file' || s.statementIndex === f.statement.index),
    );
    if (by) used.add(key(by, f.rule));
    return !by;
  });
  for (const s of suppressions) {
    for (const rule of s.rules) {
      // live-data-violation is only reported with a live database; applyLiveFacts honours its ignores.
      if (used.has(key(s, rule)) || rule === 'live-data-violation' || notRun.has(rule)) continue;
      kept.push(commentFinding(migration.file, 'unused-ignore', 'warning', s, {
        message: `pgsafe-ignore ${rule} silences nothing${s.scope === 'statement' && s.statementIndex === undefined ? ': no statement follows it' : ''}.`,
        why: `No ${rule} finding was reported ${s.scope === 'file' ? 'in this file' : 'for the statement it precedes'}: the rule id is misspelled, or the statement changed and the danger is gone. A stale ignore would silence a future real finding.`,
        summary: 'Remove the comment (or fix the rule id).',
        sql: `-- remove: ${s.text}`,
      }));
    }
  }
  return kept;
}

function commentFinding(
  file: string,
  rule: string,
  severity: 'error' | 'warning',
  at: { start: Position; end: Position; text: string },
  r: { message: string; why: string; summary: string; sql: string },
): Finding {
  return {
    rule,
    severity,
    message: r.message,
    file,
    start: at.start,
    // Not a statement: the comment itself is what the excerpt shows.
    statement: { index: -1, text: at.text, start: at.start, end: at.end },
    why: r.why,
    recipe: { summary: r.summary, sql: r.sql },
  };
}
