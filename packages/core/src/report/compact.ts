import type { Finding } from '../finding.js';

/** One line for a finding, `file:line:column: severity: message [rule]`: the form editors' and CI problem matchers
 *  read (`pgsafe check --format compact`, the rule pages). */
export function compactLine(f: Finding): string {
  return `${f.file}:${f.start.line}:${f.start.column}: ${f.severity}: ${f.message} [${f.rule}]`;
}
