import type { Finding } from '@pgsafe/core';
import type { CheckSummary } from '../check-run.js';
import type { ChunkedWriter } from './writer.js';
import { summaryLine, type SummaryOptions } from './summary.js';

/** One line per finding, `file:line:column: severity: message [rule]` (the form editors' and CI problem matchers
 *  read), then the summary line. */
export class CompactReporter {
  constructor(
    private readonly out: ChunkedWriter,
    private readonly options: SummaryOptions = {},
  ) {}

  finding(f: Finding): void {
    this.out.write(`${f.file}:${f.start.line}:${f.start.column}: ${f.severity}: ${f.message} [${f.rule}]\n`);
  }

  end(s: CheckSummary): void {
    this.out.write(`${summaryLine(s, this.options)}\n`);
    this.out.flush();
  }
}
