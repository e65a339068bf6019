import type { CheckSummary } from '../check-run.js';
import { plural } from './plural.js';

/** What the summary says beyond the counts: warnings hidden by --quiet. */
export interface SummaryOptions {
  quiet?: boolean;
}

/** `7 errors, 5 warnings in 1 file checked, 1 file could not be checked`: one wording for every text format. */
export function summaryLine(s: CheckSummary, options: SummaryOptions = {}): string {
  const warnings = options.quiet ? `${plural(s.warningCount, 'warning')} not shown` : plural(s.warningCount, 'warning');
  const failed = s.errors.length ? `, ${plural(s.errors.length, 'file')} could not be checked` : '';
  return `${plural(s.errorCount, 'error')}, ${warnings} in ${plural(s.files.length, 'file')} checked${failed}`;
}
