import { loadParser, parseMigration, type ParsedMigration } from './parse.js';
import { resolveOptions, type AnalyzeOptions, type ResolvedOptions } from './options.js';
import { trackStates, type StatementState } from './transactions.js';
import { SchemaModel } from './schema-model.js';
import { rules as allRules } from './rules/index.js';
import type { Rule, RuleContext } from './rule.js';
import type { Finding, Severity } from './finding.js';
import { applySuppressions, findSuppressions } from './suppressions.js';

export interface AnalyzeRunOptions extends AnalyzeOptions {
  /** Rules to run; default: all. */
  rules?: readonly Rule[];
  /** The schema the migration is judged in (a history's state, see context/history.ts); default: the migration's own
   *  statements replayed into an empty schema. */
  schema?: SchemaModel;
  /** Run the rules on the statements from this index on only (the earlier ones were judged before: a guard that
   *  judges a migration statement by statement). They still see the earlier ones as context. */
  from?: number;
  /** The statements' states, already tracked (with `from`: a guard keeps them as statements arrive). */
  states?: StatementState[];
}

/** The rules a severities setting runs, by statement kind, and the ones it does not run. */
interface Selection {
  active: Rule[];
  notRun: Set<string>;
  byKind: Map<string, Rule[]>;
}

/** Selections per severities (by content: a caller may change its object between calls) and rule list: a guard
 *  analyzes each statement alone with the same settings, and selecting the rules again for every statement was a
 *  good part of its per-statement cost. */
const selections = new Map<string, WeakMap<readonly Rule[], Selection>>();

function selection(severities: ResolvedOptions['severities'], rules: readonly Rule[] | undefined): Selection {
  const list = rules ?? allRules;
  const key = JSON.stringify(severities);
  let byList = selections.get(key);
  if (!byList) selections.set(key, (byList = new WeakMap()));
  let found = byList.get(list);
  if (!found) {
    const active = list.filter((r) => {
      const setting = severities[r.id];
      return setting !== 'off' && (!r.optIn || setting !== undefined || rules !== undefined);
    });
    // An ignore of a rule that did not run (turned off, or not selected) silences nothing now, but is not stale.
    byList.set(list, (found = { active, notRun: new Set(allRules.filter((r) => !active.includes(r)).map((r) => r.id)), byKind: new Map() }));
  }
  return found;
}

/** Runs every rule over every statement of a parsed migration. Findings come in source order. */
export function analyze(migration: ParsedMigration, options: AnalyzeRunOptions = {}): Finding[] {
  const resolved = resolveOptions(options);
  const states = options.states ?? trackStates(migration.statements, resolved);
  const schema = options.schema ?? new SchemaModel(migration.statements);
  const findings: Finding[] = [];
  const { active, notRun, byKind } = selection(resolved.severities, options.rules);
  const forKind = (kind: string) => {
    let list = byKind.get(kind);
    if (!list) byKind.set(kind, (list = active.filter((r) => !r.kinds || r.kinds.includes(kind))));
    return list;
  };
  for (const statement of options.from ? migration.statements.slice(options.from) : migration.statements) {
    const ctx: RuleContext = {
      options: resolved,
      migration,
      statement,
      state: states[statement.index]!,
      states,
      schema,
      isNewTable: (table) => schema.isNewTable(table, statement.index),
    };
    for (const rule of forKind(statement.kind)) {
      const out = rule.check(ctx);
      for (const report of out === undefined ? [] : Array.isArray(out) ? out : [out]) {
        const start =
          report.location === undefined ? statement.start : migration.map.position(migration.map.charOffset(report.location));
        findings.push({
          rule: rule.id,
          severity: (resolved.severities[rule.id] as Severity | undefined) ?? report.severity ?? rule.severity,
          message: report.message,
          file: migration.file,
          start,
          statement: { index: statement.index, text: statement.text, start: statement.start, end: statement.end },
          ...(report.lock ? { lock: report.lock } : {}),
          why: report.why,
          recipe: report.recipe,
        });
      }
    }
  }
  const { suppressions, problems } = findSuppressions(migration);
  const kept = suppressions.length ? applySuppressions(migration, findings, suppressions, notRun) : findings;
  // The suppression checks follow the same per-rule settings.
  const adjusted = [...kept, ...problems].flatMap((f) => {
    const setting = f.statement.index === -1 ? resolved.severities[f.rule] : undefined;
    return setting === 'off' ? [] : setting ? [{ ...f, severity: setting }] : [f];
  });
  return adjusted.sort((a, b) => a.start.offset - b.start.offset || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
}

/** Parses and analyzes one migration's SQL. Throws `ParseError` (with line and column) when it does not parse. */
export async function checkSql(source: string, file = '<input>', options: AnalyzeRunOptions = {}): Promise<{ migration: ParsedMigration; findings: Finding[] }> {
  await loadParser();
  const migration = parseMigration(source, file);
  return { migration, findings: analyze(migration, options) };
}
