import type { Finding } from '@pgsafe/core';
import type { CheckSummary } from '../check-run.js';
import type { ChunkedWriter } from './writer.js';

/** Version 1 of the JSON report (documented in packages/cli/README.md); fields are only ever added. Findings are
 *  written as they are made, so they come first and the per-file totals after them. */
export class JsonReporter {
  #first = true;

  constructor(private readonly out: ChunkedWriter) {}

  finding(f: Finding): void {
    this.out.write(`${this.#first ? '{"version":1,"findings":[' : ','}${JSON.stringify(f)}`);
    this.#first = false;
  }

  end(s: CheckSummary): void {
    if (this.#first) this.out.write('{"version":1,"findings":[');
    const errors = s.errors.map(({ file, line, column, message }) => ({ file, line, column, message }));
    const summary = { errors: s.errorCount, warnings: s.warningCount, files: s.files.length };
    const live = s.live
      ? `,"live":${JSON.stringify({ server: s.live.server, pgVersion: s.live.pgVersion, target: s.live.target, dropped: s.live.dropped.map((d) => ({ rule: d.finding.rule, file: d.finding.file, line: d.finding.start.line, column: d.finding.start.column, message: d.finding.message, reason: d.reason })), downgraded: s.live.downgraded.map((d) => ({ rule: d.finding.rule, file: d.finding.file, line: d.finding.start.line, column: d.finding.start.column, reason: d.reason })), facts: s.live.facts })}`
      : '';
    this.out.write(`],"files":${JSON.stringify(s.files)},"errors":${JSON.stringify(errors)},"summary":${JSON.stringify(summary)}${live}}\n`);
    this.out.flush();
  }
}
