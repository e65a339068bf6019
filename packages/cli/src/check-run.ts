import { analyze, loadParser, parseMigration, ParseError, renderFinding, type AnalyzeOptions } from '@pgsafe/core';
import { readInputs, type Input } from './inputs.js';
import { palette } from './color.js';

/** A file that could not be checked: unreadable, or rejected by PostgreSQL's parser. */
export interface CheckError {
  file: string;
  line?: number;
  column?: number;
  message: string;
  /** The source line of a parse error, for the caret. */
  lineText?: string;
}

/** How each finding is rendered: as soon as it is made, so thousands of Finding objects are never held at once. */
export interface RenderSpec {
  format: 'pretty' | 'json';
  color: boolean;
}

/** The outcome of checking a set of files, findings already rendered in order. */
export interface CheckReport {
  files: { file: string; statements: number }[];
  errors: CheckError[];
  errorCount: number;
  warningCount: number;
  rendered: string[];
}

/** Parses, analyzes and renders each input. A parse error is recorded for its file; the others are still checked. */
export async function checkInputs(inputs: Input[], options: AnalyzeOptions, spec: RenderSpec): Promise<CheckReport> {
  await loadParser();
  const c = palette(spec.color);
  const report: CheckReport = { files: [], errors: [], errorCount: 0, warningCount: 0, rendered: [] };
  for (const { file, source } of inputs) {
    try {
      const migration = parseMigration(source, file);
      report.files.push({ file, statements: migration.statements.length });
      for (const f of analyze(migration, options)) {
        if (f.severity === 'error') report.errorCount++;
        else report.warningCount++;
        report.rendered.push(spec.format === 'json' ? JSON.stringify(f) : renderFinding(f, source, c));
      }
    } catch (error) {
      if (!(error instanceof ParseError)) throw error;
      report.files.push({ file, statements: 0 });
      report.errors.push({ file, line: error.position.line, column: error.position.column, message: error.reason, lineText: error.lineText });
    }
  }
  return report;
}

/** Reads and checks in this thread; unreadable files become errors. */
export async function checkRead(files: string[], options: AnalyzeOptions, spec: RenderSpec): Promise<CheckReport> {
  const { inputs, failures } = readInputs(files);
  const report = await checkInputs(inputs, options, spec);
  report.errors.push(...failures);
  return report;
}

/** Combines reports, in order (stdin first, then files). */
export function merge(parts: CheckReport[]): CheckReport {
  return {
    files: parts.flatMap((p) => p.files),
    errors: parts.flatMap((p) => p.errors),
    errorCount: parts.reduce((n, p) => n + p.errorCount, 0),
    warningCount: parts.reduce((n, p) => n + p.warningCount, 0),
    rendered: parts.flatMap((p) => p.rendered),
  };
}

/** 2 for any file that could not be checked, 1 for an error-level finding, else 0 (warnings never fail). */
export function exitCode(report: CheckReport): number {
  if (report.errors.length > 0) return 2;
  return report.errorCount > 0 ? 1 : 0;
}
