import type { Finding } from '@pgsafe/core';
import type { CheckSummary } from '../check-run.js';
import type { ChunkedWriter } from './writer.js';
import { repositoryPath } from './repo-path.js';
import { summaryLine, type SummaryOptions } from './summary.js';

/** GitHub Actions workflow commands: each finding becomes an annotation on the file and line in the pull request.
 *  GitHub places annotations by repository-relative path, so paths are made relative to the repository root. */
export class GithubReporter {
  constructor(
    private readonly out: ChunkedWriter,
    private readonly root: string | undefined,
    private readonly options: SummaryOptions = {},
  ) {}

  finding(f: Finding): void {
    const level = f.severity === 'error' ? 'error' : 'warning';
    const props = `file=${property(repositoryPath(f.file, this.root))},line=${f.start.line},col=${f.start.column},endLine=${f.statement.end.line},title=${property(`pgsafe ${f.rule}`)}`;
    const live = f.live?.length ? `\n\n${f.live.map((x) => `Live: ${x.text}`).join('\n')}` : '';
    this.out.write(`::${level} ${props}::${data(`${f.message}${live}\n\nFix: ${f.recipe.summary}\n${f.recipe.sql}`)}\n`);
  }

  end(s: CheckSummary): void {
    for (const e of s.errors) {
      const at = e.line === undefined ? '' : `,line=${e.line},col=${e.column}`;
      this.out.write(`::error file=${property(repositoryPath(e.file, this.root))}${at},title=pgsafe::${data(e.message)}\n`);
    }
    this.out.write(`pgsafe: ${summaryLine(s, this.options)}\n`);
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
