import type { Palette } from '@pgsafe/core';
import type { CheckError, CheckReport } from '../check-run.js';

/** Compiler-style report: each finding with its excerpt and recipe, then one summary line. */
export function formatPretty(report: CheckReport, c: Palette): string {
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  const summary = `${plural(report.errorCount, 'error')}, ${plural(report.warningCount, 'warning')} in ${plural(report.files.length, 'file')} checked`;
  const failed = report.errors.length ? `, ${plural(report.errors.length, 'file')} could not be checked` : '';
  return [...report.rendered, `${c.bold(summary)}${failed}`].join('\n\n') + '\n';
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
