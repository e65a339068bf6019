import { renderFinding, summaryLine, type Palette } from '@pgsafe/core';
import type { CheckError, CheckResult } from '../check-run.js';

/** Compiler-style report: each finding with its excerpt and recipe, then one summary line. */
export function formatPretty(result: CheckResult, c: Palette): string {
  const sources = new Map(result.files.map((f) => [f.file, f.source]));
  const blocks = result.findings.map((f) => renderFinding(f, sources.get(f.file), c));
  const summary = summaryLine(result.findings, result.files.length);
  const failed = result.errors.length ? `, ${result.errors.length} file${result.errors.length > 1 ? 's' : ''} could not be checked` : '';
  return [...blocks, `${c.bold(summary)}${failed}`].join('\n\n') + '\n';
}

/** `file:line:col: error: reason`, the source line and a caret (stderr). */
export function formatError(e: CheckError, c: Palette): string {
  const where = e.line === undefined ? e.file : `${e.file}:${e.line}:${e.column}`;
  const lines = [`${c.bold(where)}: ${c.red(c.bold('error'))}: ${e.message}`];
  if (e.lineText !== undefined && e.column !== undefined) {
    const gutter = String(e.line).length;
    lines.push(`${c.dim(`${e.line} |`)} ${e.lineText}`, `${c.dim(`${' '.repeat(gutter)} |`)} ${' '.repeat(e.column - 1)}${c.red('^')}`);
  }
  return lines.join('\n') + '\n';
}
