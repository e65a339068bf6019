/** Writes a fix result as files for a runner: one SQL file per deploy for `pgsafe run` (which splits steps itself),
 *  one Prisma migration directory per step (Prisma runs a file in one go: one implicit transaction), or one knex
 *  migration per deploy. */
import { parseMigration } from '../parse.js';
import type { FixResult, FixStep } from './types.js';

export interface FixFile {
  /** Relative path: for pgsafe run, the file name; for Prisma, `<directory>/migration.sql`; for knex, `<name>.js`. */
  path: string;
  deploy: number;
  /** The file's content (JavaScript for knex). */
  sql: string;
}

const STEP_LABEL = (s: FixStep) => (!s.transactional ? 'alone, outside any transaction' : s.alone ? 'in a transaction of its own' : 'in one transaction');

function deployHeader(result: FixResult, deploy: number): string[] {
  const total = result.deploys.length;
  if (total === 1) return [];
  const before = result.deploys[deploy - 1]?.before;
  return [
    `-- pgsafe fix: deploy ${deploy} of ${total}${deploy === 1 ? ' (this release)' : ''}.`,
    ...(before ? [`-- Before this migration runs, the application must: ${before}.`] : []),
  ];
}

function timeoutLines(result: FixResult, set: 'SET' | 'SET LOCAL', long: boolean): string[] {
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
    const lines = [...deployHeader(result, deploy), ...timeoutLines(result, 'SET', false)];
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
      const header = [...(i === 0 ? deployHeader(result, deploy) : []), ...(step.transactional ? timeoutLines(result, 'SET LOCAL', step.long) : [])];
      const sql = `${[...header, trimmed(step.sql)].join('\n')}\n`;
      return { path: `${deploy > 1 ? `../pgsafe-deploy-${deploy}/` : ''}${dir}/migration.sql`, deploy, sql };
    });
  });
}

/** A JavaScript template literal holding `sql` for knex.raw, which reads each unescaped `?` as a binding. */
const jsString = (sql: string) => `\`${sql.replace(/[\\`]/g, (m) => `\\${m}`).replace(/\$\{/g, '\\${').replace(/\?/g, '\\\\?')}\``;

/** For knex: one migration file per deploy (`<name>.js`, then `<name>_deploy<N>.js`), with `transaction: false` so
 *  that each step runs as planned: the transactional ones in `knex.transaction` (with `SET LOCAL` timeouts), the
 *  others alone. Each statement is its own query. `down` refuses: the safe form has no mechanical inverse. */
export function renderKnexMigrations(result: FixResult, name: string): FixFile[] {
  return result.deploys.map(({ deploy }) => {
    const steps = result.steps.filter((s) => s.deploy === deploy);
    const lines = [...deployHeader(result, deploy).map((l) => l.replace(/^--/, '//')), `// Written by pgsafe fix from ${result.file}.`, 'exports.config = { transaction: false };', '', 'exports.up = async function (knex) {'];
    for (const [i, step] of steps.entries()) {
      const statements = parseMigration(step.sql, result.file).statements.map((s) => s.text);
      lines.push(`  // step ${i + 1}/${steps.length}: ${STEP_LABEL(step)}`);
      if (step.transactional) {
        lines.push('  await knex.transaction(async (trx) => {');
        for (const sql of [...timeoutLines(result, 'SET LOCAL', step.long).map((s) => s.replace(/;$/, '')), ...statements]) lines.push(`    await trx.raw(${jsString(sql)});`);
        lines.push('  });');
      } else for (const sql of statements) lines.push(`  await knex.raw(${jsString(sql)});`);
    }
    lines.push('};', '', 'exports.down = async function () {', `  throw new Error('${name}: no automatic rollback for a migration rewritten by pgsafe fix; write one if you need it');`, '};');
    return { path: deploy === 1 ? `${name}.js` : `${name}_deploy${deploy}.js`, deploy, sql: `${lines.join('\n')}\n` };
  });
}
