import type { CheckReport } from '../check-run.js';

/** Version 1 of the JSON report; fields are only ever added. Documented in packages/cli/README.md. The findings
 *  arrive already serialized (one JSON object each), so they are spliced in rather than parsed again. */
export function formatJson(report: CheckReport): string {
  const json = (v: unknown) => JSON.stringify(v);
  return (
    `{"version":1,"files":${json(report.files)},"findings":[${report.rendered.join(',')}],` +
    `"errors":${json(report.errors.map(({ file, line, column, message }) => ({ file, line, column, message })))},` +
    `"summary":${json({ errors: report.errorCount, warnings: report.warningCount, files: report.files.length })}}\n`
  );
}
