import type { MigrationSetup } from './detect.js';
import type { ModuleFormat } from './project.js';

/** The file name of the config in the project's module format: typed TypeScript, or JavaScript in its module syntax
 *  (`.js` follows package.json's "type"). */
export function configFileName(format: ModuleFormat): string {
  return format === 'ts' ? 'pgsafe.config.ts' : 'pgsafe.config.js';
}

/** A commented pgsafe.config.* with the defaults written out, for the project to adjust. */
export function configText(format: ModuleFormat, setups: MigrationSetup[]): string {
  const plainSql = setups.some((s) => s.orm === 'sql');
  const body = [
    '  // The PostgreSQL major version production runs (11-18): version-dependent rules follow it. Default: 18.',
    '  // pgVersion: 16,',
    '',
    ...(plainSql
      ? [
          '  // Uncomment when your migration runner wraps each file in a transaction (psql --single-transaction, most',
          '  // migration tools): transaction rules then judge the file as it runs.',
          '  // assumeInTransaction: true,',
          '',
        ]
      : []),
    "  // Per rule: 'error', 'warning' or 'off'. `npx pgsafe explain <rule>` says what a rule catches and why.",
    '  rules: {',
    "    // 'prefer-robust-stmts': 'off',",
    '  },',
    '',
    '  // How `pgsafe run` and the ORM adapters run each migration statement (flags such as --lock-timeout win).',
    '  run: {',
    "    lockTimeout: '2s', // how long a statement may wait for its lock; on timeout it is rolled back and retried",
    "    statementTimeout: '1min', // how long a statement that blocks traffic may run",
    '    retries: 10, // lock-timeout retries of a step, with back-off',
    "    preflight: 'wait', // before a step: wait for sessions that would block it ('abort' stops instead)",
    '  },',
  ];
  const intro = '// pgsafe settings, read by pgsafe check, fix and run and by the ORM adapters.\n// https://github.com/pgsafe/pgsafe/blob/main/docs/configuration.md\n';
  switch (format) {
    case 'ts':
      return `import type { PgsafeConfig } from 'pgsafe';\n\n${intro}export default {\n${body.join('\n')}\n} satisfies PgsafeConfig;\n`;
    case 'esm':
      return `${intro}/** @type {import('pgsafe').PgsafeConfig} */\nexport default {\n${body.join('\n')}\n};\n`;
    case 'cjs':
      return `${intro}/** @type {import('pgsafe').PgsafeConfig} */\nmodule.exports = {\n${body.join('\n')}\n};\n`;
  }
}
