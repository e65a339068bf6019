import { renderFinding, ruleDocUrl, type Finding, type Palette } from '@pgsafe/core';
import type { CheckError, CheckSummary } from '../check-run.js';
import type { ChunkedWriter } from './writer.js';
import { summaryLine, type SummaryOptions } from './summary.js';

/** Compiler-style report: each finding with its excerpt and recipe, separated by blank lines, then a summary line. */
export class PrettyReporter {
  constructor(
    private readonly out: ChunkedWriter,
    private readonly c: Palette,
    private readonly options: SummaryOptions = {},
  ) {}

  finding(f: Finding, source: string): void {
    this.out.write(`${renderFinding(f, source, this.c, ruleDocUrl(f.rule))}\n\n`);
  }

  end(s: CheckSummary): void {
    if (s.live) {
      this.out.write(`${this.c.bold(`Live database: PostgreSQL ${s.live.server} at ${s.live.target} (read-only); rules for PostgreSQL ${s.live.pgVersion}`)}\n`);
      for (const u of s.live.facts) {
        for (const f of u.facts) this.out.write(`  ${u.file}:${u.line}: ${f.text}\n`);
      }
      for (const d of s.live.dropped) {
        this.out.write(`  dropped ${d.finding.file}:${d.finding.start.line}:${d.finding.start.column} [${d.finding.rule}]: ${d.reason}\n`);
      }
      for (const d of s.live.downgraded) {
        this.out.write(`  downgraded to warning ${d.finding.file}:${d.finding.start.line}:${d.finding.start.column} [${d.finding.rule}]: ${d.reason}\n`);
      }
      this.out.write('\n');
    }
    this.out.write(`${this.c.bold(summaryLine(s, this.options))}\n`);
    this.out.flush();
  }
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
