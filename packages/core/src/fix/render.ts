/** Writes a fix result as files for a runner: one SQL file per deploy for `pgsafe run` (which splits steps itself),
 *  or one Prisma migration directory per step (Prisma runs a file in one go: one implicit transaction). The knex and
 *  TypeORM files, and MikroORM's, are in render-orm.ts. */
import type { FixResult, FixStep } from './types.js';

export interface FixFile {
  /** Relative path: for pgsafe run, the file name; for Prisma, `<directory>/migration.sql`; for knex, TypeORM and
   *  MikroORM, `<name>.js`. */
  path: string;
  deploy: number;
  /** The file's content (JavaScript for knex, TypeORM and MikroORM). */
  sql: string;
}

export const STEP_LABEL = (s: FixStep) => (!s.transactional ? 'alone, outside any transaction' : s.alone ? 'in a transaction of its own' : 'in one transaction');

export function deployHeader(result: FixResult, deploy: number): string[] {
  const total = result.deploys.length;
  if (total === 1) return [];
  const before = result.deploys[deploy - 1]?.before;
  return [
    `-- pgsafe fix: deploy ${deploy} of ${total}${deploy === 1 ? ' (this release)' : ''}.`,
    ...(before ? [`-- Before this migration runs, the application must: ${before}.`] : []),
  ];
}

/** The file's own opening comments, above everything pgsafe adds. */
function opening(result: FixResult, deploy: number): string[] {
  return deploy === 1 && result.header ? [result.header, ''] : [];
}

export function timeoutLines(result: FixResult, set: 'SET' | 'SET LOCAL', long: boolean): string[] {
  if (!result.timeouts) return [];
  return [`${set} lock_timeout = '${result.timeouts.lockTimeout}';`, ...(long ? [] : [`${set} statement_timeout = '${result.timeouts.statementTimeout}';`])];
}

// The labels of an earlier fix are written again, not kept twice.
const OWN_LABEL = /^-- pgsafe (?:step \d+\/\d+|fix: deploy \d+ of \d+)[^\n]*\n(?:-- Before this migration runs[^\n]*\n)?/gm;
const trimmed = (sql: string) => sql.replace(OWN_LABEL, '').replace(/^\s*\n/, '').replace(/\s*$/, '');

/** For `pgsafe run`: `file` for the first deploy (in place), `<name>.deploy<N>.sql` beside it for the later ones.
 *  The steps are separated by comments; the planner finds the same boundaries from the statements. */
export function renderRunFiles(result: FixResult, file = result.file): FixFile[] {
  if (!result.changes.length) return [{ path: file, deploy: 1, sql: result.source }];
  return result.deploys.map(({ deploy }) => {
    const steps = result.steps.filter((s) => s.deploy === deploy);
    const lines = [...opening(result, deploy), ...deployHeader(result, deploy), ...timeoutLines(result, 'SET', false)];
    const several = steps.length > 1;
    for (const [i, step] of steps.entries()) {
      if (several || lines.length) lines.push(...(lines.length ? [''] : []), ...(several ? [`-- pgsafe step ${i + 1}/${steps.length}: ${STEP_LABEL(step)}`] : []));
      lines.push(trimmed(step.sql));
    }
    const path = deploy === 1 ? file : file.replace(/(\.sql)?$/, `.deploy${deploy}.sql`);
    return { path, deploy, sql: `${lines.join('\n')}\n` };
  });
}

/** For Prisma, paths relative to the migrations directory: the first step keeps the migration's directory `name`;
 *  the others follow it as `<name>_p<NN>_<slug>`, so Prisma's name order is the execution order. Later deploys go
 *  to `../pgsafe-deploy-<N>/`, outside it (Prisma would apply them at once), to move in when the application is
 *  ready for them. */
export function renderPrismaMigrations(result: FixResult, name: string): FixFile[] {
  if (!result.changes.length) return [{ path: `${name}/migration.sql`, deploy: 1, sql: result.source }];
  return result.deploys.flatMap(({ deploy }) => {
    const steps = result.steps.filter((s) => s.deploy === deploy);
    return steps.map((step, i) => {
      const dir = deploy === 1 && i === 0 ? name : `${name}${deploy > 1 ? `_d${deploy}` : ''}_p${String(i + 1).padStart(2, '0')}_${step.slug}`;
      // A second statement beside a non-transactional one would put both in an implicit transaction block.
      const header = [...(i === 0 ? [...opening(result, deploy), ...deployHeader(result, deploy)] : []), ...(step.transactional ? timeoutLines(result, 'SET LOCAL', step.long) : [])];
      const sql = `${[...header, trimmed(step.sql)].join('\n')}\n`;
      return { path: `${deploy > 1 ? `../pgsafe-deploy-${deploy}/` : ''}${dir}/migration.sql`, deploy, sql };
    });
  });
}
