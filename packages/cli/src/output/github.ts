import type { Finding } from '@pgsafe/core';
import type { CheckSummary } from '../check-run.js';
import type { ChunkedWriter } from './writer.js';
import { plural } from './plural.js';

/** GitHub Actions workflow commands: each finding becomes an annotation on the file and line in the pull request. */
export class GithubReporter {
  constructor(private readonly out: ChunkedWriter) {}

  finding(f: Finding): void {
    const level = f.severity === 'error' ? 'error' : 'warning';
    const props = `file=${property(f.file)},line=${f.start.line},col=${f.start.column},endLine=${f.statement.end.line},title=${property(`pgsafe ${f.rule}`)}`;
    const live = f.live?.length ? `\n\n${f.live.map((x) => `Live: ${x.text}`).join('\n')}` : '';
    this.out.write(`::${level} ${props}::${data(`${f.message}${live}\n\nFix: ${f.recipe.summary}\n${f.recipe.sql}`)}\n`);
  }

  end(s: CheckSummary): void {
    for (const e of s.errors) {
      const at = e.line === undefined ? '' : `,line=${e.line},col=${e.column}`;
      this.out.write(`::error file=${property(e.file)}${at},title=pgsafe::${data(e.message)}\n`);
    }
    this.out.write(`pgsafe: ${plural(s.errorCount, 'error')}, ${plural(s.warningCount, 'warning')} in ${plural(s.files.length, 'file')}\n`);
    this.out.flush();
  }
}

// Escaping of workflow command values, as the runner decodes them.
function data(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function property(s: string): string {
  return data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
