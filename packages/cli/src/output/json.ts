import type { CheckResult } from '../check-run.js';

/** Version 1 of the JSON report; fields are only ever added. Documented in packages/cli/README.md. */
export function formatJson(result: CheckResult): string {
  const errors = result.findings.filter((f) => f.severity === 'error').length;
  return (
    JSON.stringify({
      version: 1,
      files: result.files.map(({ file, statements }) => ({ file, statements })),
      findings: result.findings,
      errors: result.errors.map(({ file, line, column, message }) => ({ file, line, column, message })),
      summary: { errors, warnings: result.findings.length - errors, files: result.files.length },
    }) + '\n'
  );
}
