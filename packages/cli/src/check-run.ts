import { analyze, fileExecution, MigrationHistory, noteUnknownSize, SchemaModel, type ParserThread, type AnalyzeOptions, type DroppedFinding, type Finding, type LiveFact, type ParsedMigration } from '@pgsafe/core';
import type { Input } from './inputs.js';
import { historyKey } from './history-inputs.js';

/** A file that could not be checked: unreadable, or rejected by PostgreSQL's parser. */
export interface CheckError {
  file: string;
  line?: number;
  column?: number;
  message: string;
  /** The source line of a parse error, for the caret. */
  lineText?: string;
}

/** Totals of a check; the findings themselves go to the reporter as they are made. */
export interface CheckSummary {
  files: { file: string; statements: number }[];
  errors: CheckError[];
  errorCount: number;
  warningCount: number;
  /** Set by `check --database-url`: the live database and the findings its facts disproved. */
  live?: {
    server: string;
    /** The PostgreSQL major version the rules followed (the live server's, unless --pg-version is given). */
    pgVersion: number;
    target: string;
    dropped: DroppedFinding[];
    /** Findings kept at a lower severity (e.g. a required column added to a table that is empty). */
    downgraded: DroppedFinding[];
    /** Facts about statements that have no finding (e.g. "0 rows violate the CHECK"). */
    facts: { file: string; line: number; facts: LiveFact[] }[];
  };
}

/** Rewrites one file's findings (live facts attached, disproved ones dropped) before they are reported; `schema` is
 *  the one they were judged in (its history: tables earlier migrations created). Default: the file alone. */
export type EnrichFindings = (migration: ParsedMigration, findings: Finding[], schema?: SchemaModel) => Promise<Finding[]>;

export type OnFinding = (finding: Finding, source: string) => void;

/** Called once per checked file, after its findings (the HTML report gathers files with it). */
export type OnChecked = (migration: ParsedMigration, findings: Finding[]) => void;

export function emptySummary(): CheckSummary {
  return { files: [], errors: [], errorCount: 0, warningCount: 0 };
}

/** Reads, parses and analyzes each input, handing each finding to `onFinding` at once (thousands of findings are
 *  never held in memory). An up migration of a runner's folder is judged after the earlier ones of its history (in
 *  the order given: see history-inputs.ts), as its runner runs it. A file that cannot be read or parsed is recorded;
 *  the other files are still checked. */
export async function checkInputs(parser: ParserThread, inputs: Input[], options: AnalyzeOptions, onFinding: OnFinding, summary = emptySummary(), enrich?: EnrichFindings, onChecked?: OnChecked): Promise<CheckSummary> {
  const histories = new Map<string, MigrationHistory>();
  let i = 0;
  for await (const { file, source, migration, error, readError } of parser.parse(inputs)) {
    const input = inputs[i++]!;
    const report = input.report !== false;
    if (!migration) {
      // A context-only file that cannot be read is missing from its history's replay, nothing more.
      if (!report) continue;
      summary.files.push({ file, statements: 0 });
      summary.errors.push(error ? { file, line: error.position.line, column: error.position.column, message: error.reason, lineText: error.lineText } : { file, message: readError });
      continue;
    }
    const { findings: found, schema } = judge(histories, input, migration, source, options);
    if (!report) continue;
    summary.files.push({ file, statements: migration.statements.length });
    const findings = enrich ? await enrich(migration, found, schema) : noteUnknownSize(migration, found, schema ?? new SchemaModel(migration.statements));
    for (const f of findings) {
      if (f.severity === 'error') summary.errorCount++;
      else summary.warningCount++;
      onFinding(f, source);
    }
    onChecked?.(migration, findings);
  }
  return summary;
}

/** The findings of one input: in its history when it has one (and the schema they were judged in), else alone. */
function judge(histories: Map<string, MigrationHistory>, input: Input, migration: ParsedMigration, source: string, options: AnalyzeOptions): { findings: Finding[]; schema?: SchemaModel } {
  const { assumeInTransaction, slot } = input;
  const key = historyKey(input);
  const execution = key && slot ? fileExecution(slot, source, input.file, assumeInTransaction ?? options.assumeInTransaction) : undefined;
  // A file of a flat folder whose content names no runner is judged alone.
  if (!key || !execution || (slot?.guessed && execution.runner === 'plain')) {
    if (input.report === false) return { findings: [] };
    const own = assumeInTransaction === undefined || options.assumeInTransaction !== undefined ? options : { ...options, assumeInTransaction };
    return { findings: analyze(migration, own) };
  }
  let history = histories.get(key);
  if (!history) histories.set(key, (history = new MigrationHistory(options)));
  const findings = history.next(migration, { name: slot!.name, execution, report: input.report !== false, ...(input.batchTransaction ? { batchTransaction: input.batchTransaction } : {}), ...(input.besideBatchTransaction ? { besideBatchTransaction: true } : {}) });
  // The view of the migration just replayed (the state's last begun).
  return { findings, schema: new SchemaModel(history.state) };
}

/** 2 for any file that could not be checked, 1 for an error-level finding, else 0 (warnings never fail). */
export function exitCode(summary: CheckSummary): number {
  if (summary.errors.length > 0) return 2;
  return summary.errorCount > 0 ? 1 : 0;
}
