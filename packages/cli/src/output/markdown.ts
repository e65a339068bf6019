import type { Finding } from '@pgsafe/core';
import type { CheckSummary } from '../check-run.js';
import type { ChunkedWriter } from './writer.js';
import { summaryLine, type SummaryOptions } from './summary.js';

/** A summary for a pull-request comment: totals, one table row per finding, the recipes folded under it. */
export class MarkdownReporter {
  #rows: string[] = [];
  #details: string[] = [];

  constructor(
    private readonly out: ChunkedWriter,
    private readonly options: SummaryOptions = {},
  ) {}

  finding(f: Finding): void {
    const icon = f.severity === 'error' ? '🛑' : '⚠️';
    this.#rows.push(`| ${icon} ${f.severity} | \`${cell(f.file)}:${f.start.line}\` | \`${f.rule}\` | ${cell(f.message)} |`);
    this.#details.push(
      `<details><summary><code>${html(f.file)}:${f.start.line}</code> ${html(f.rule)}</summary>\n\n${live(f)}${f.why}\n\n**Fix:** ${f.recipe.summary}\n\n\`\`\`sql\n${f.recipe.sql}\n\`\`\`\n${f.recipe.versions ? `\n${f.recipe.versions}\n` : ''}\n</details>`,
    );
  }

  end(s: CheckSummary): void {
    const verdict = s.errorCount + s.errors.length > 0 ? '🛑 **Unsafe migrations**' : s.warningCount > 0 ? '⚠️ **Safe, with warnings**' : '✅ **Safe**';
    const lines = [`### pgsafe: ${verdict}`, '', `${summaryLine(s, this.options)}.`];
    if (s.errors.length) lines.push('', ...s.errors.map((e) => `- 🛑 \`${cell(e.file)}${e.line ? `:${e.line}:${e.column}` : ''}\` could not be checked: ${cell(e.message)}`));
    if (s.live) {
      lines.push('', `Checked against the live database (PostgreSQL ${s.live.server}, read-only).`);
      for (const d of s.live.dropped) lines.push(`- Dropped \`${cell(d.finding.file)}:${d.finding.start.line}\` \`${d.finding.rule}\`: ${cell(d.reason)}`);
      for (const d of s.live.downgraded) lines.push(`- Downgraded to warning \`${cell(d.finding.file)}:${d.finding.start.line}\` \`${d.finding.rule}\`: ${cell(d.reason)}`);
    }
    if (this.#rows.length) lines.push('', '| | where | rule | finding |', '|---|---|---|---|', ...this.#rows, '', ...this.#details);
    this.out.write(`${lines.join('\n')}\n`);
    this.out.flush();
  }
}

/** The live database's facts, as a list above the explanation. */
function live(f: Finding): string {
  return f.live?.length ? `${f.live.map((x) => `- **Live:** ${html(x.text)}`).join('\n')}\n\n` : '';
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function html(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
