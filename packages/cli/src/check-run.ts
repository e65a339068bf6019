import { analyze, loadParser, parseMigration, ParseError, type AnalyzeOptions, type Finding } from '@pgsafe/core';
import type { Input } from './inputs.js';

/** A file that could not be checked: unreadable, or rejected by PostgreSQL's parser. */
export interface CheckError {
  file: string;
  line?: number;
  column?: number;
  message: string;
  /** The source line of a parse error, for the caret. */
  lineText?: string;
}

export interface CheckResult {
  files: { file: string; statements: number; source: string }[];
  findings: Finding[];
  errors: CheckError[];
}

/** Parses and analyzes each input. A parse error is recorded for its file; the other files are still checked. */
export async function checkInputs(inputs: Input[], options: AnalyzeOptions): Promise<CheckResult> {
  await loadParser();
  const result: CheckResult = { files: [], findings: [], errors: [] };
  for (const { file, source } of inputs) {
    try {
      const migration = parseMigration(source, file);
      result.files.push({ file, statements: migration.statements.length, source });
      result.findings.push(...analyze(migration, options));
    } catch (error) {
      if (!(error instanceof ParseError)) throw error;
      result.files.push({ file, statements: 0, source });
      result.errors.push({ file, line: error.position.line, column: error.position.column, message: error.reason, lineText: error.lineText });
    }
  }
  return result;
}

/** 2 for any file that could not be checked, 1 for an error-level finding, else 0 (warnings never fail). */
export function exitCode(result: CheckResult): number {
  if (result.errors.length > 0) return 2;
  return result.findings.some((f) => f.severity === 'error') ? 1 : 0;
}
