import { compactLine, type Finding } from '@pgsafe/core';
import type { CheckSummary } from '../check-run.js';
import type { ChunkedWriter } from './writer.js';
import { summaryLine, type SummaryOptions } from './summary.js';

/** One line per finding (core's compactLine: the form editors' and CI problem matchers read), then the summary. */
export class CompactReporter {
  constructor(
    private readonly out: ChunkedWriter,
    private readonly options: SummaryOptions = {},
  ) {}

  finding(f: Finding): void {
    this.out.write(`${compactLine(f)}\n`);
  }

  end(s: CheckSummary): void {
    this.out.write(`${summaryLine(s, this.options)}\n`);
    this.out.flush();
  }
}
