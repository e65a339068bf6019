/** Writes a fix result as files for a runner: one SQL file per deploy for `pgsafe run` (which splits steps itself),
 *  one Prisma migration directory per step (Prisma runs a file in one go: one implicit transaction), or one knex or
 *  TypeORM migration per deploy. */
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

/** A JavaScript template literal holding `sql` as written. */
const jsString = (sql: string) => `\`${sql.replace(/[\\`]/g, (m) => `\\${m}`).replace(/\$\{/g, '\\${')}\``;
/** The same for knex.raw, which reads each unescaped `?` as a binding. */
const knexString = (sql: string) => jsString(sql.replace(/\?/g, '\\?'));

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
        for (const sql of [...timeoutLines(result, 'SET LOCAL', step.long).map((s) => s.replace(/;$/, '')), ...statements]) lines.push(`    await trx.raw(${knexString(sql)});`);
        lines.push('  });');
      } else for (const sql of statements) lines.push(`  await knex.raw(${knexString(sql)});`);
    }
    lines.push('};', '', 'exports.down = async function () {', `  throw new Error('${name}: no automatic rollback for a migration rewritten by pgsafe fix; write one if you need it');`, '};');
    return { path: deploy === 1 ? `${name}.js` : `${name}_deploy${deploy}.js`, deploy, sql: `${lines.join('\n')}\n` };
  });
}

/** For TypeORM: one migration class per deploy. A name `<timestamp>-<Name>` (TypeORM's own) is kept, the later
 *  deploys following at timestamp + 1, + 2. `transaction = false` (the data source needs `migrationsTransactionMode:
 *  'each'`) so that each step runs as planned: the transactional ones between startTransaction and
 *  commitTransaction with `SET LOCAL` timeouts, the others alone. */
export function renderTypeormMigrations(result: FixResult, name: string): FixFile[] {
  const m = /^(\d+)-([A-Za-z_]\w*)$/.exec(name);
  if (!m) throw new RangeError(`a TypeORM migration is named <timestamp>-<Name>, e.g. 1700000000004-AddStatus: got ${name}`);
  const [, stamp, base] = m as unknown as [string, string, string];
  return result.deploys.map(({ deploy }) => {
    const ts = (BigInt(stamp) + BigInt(deploy - 1)).toString();
    const cls = `${base}${deploy > 1 ? `Deploy${deploy}` : ''}${ts}`;
    const steps = result.steps.filter((s) => s.deploy === deploy);
    const q = (sql: string, indent: string) => `${indent}await queryRunner.query(${jsString(sql)});`;
    const lines = [...deployHeader(result, deploy).map((l) => l.replace(/^--/, '//')), `// Written by pgsafe fix from ${result.file}; needs migrationsTransactionMode: 'each'.`, `export class ${cls} {`, `    name = '${cls}';`, '    transaction = false;', '    async up(queryRunner) {'];
    for (const [i, step] of steps.entries()) {
      const statements = parseMigration(step.sql, result.file).statements.map((s) => s.text);
      lines.push(`        // step ${i + 1}/${steps.length}: ${STEP_LABEL(step)}`);
      if (!step.transactional) {
        lines.push(...statements.map((s) => q(s, '        ')));
        continue;
      }
      lines.push('        await queryRunner.startTransaction();', '        try {');
      lines.push(...[...timeoutLines(result, 'SET LOCAL', step.long).map((s) => s.replace(/;$/, '')), ...statements].map((s) => q(s, '            ')));
      lines.push('            await queryRunner.commitTransaction();', '        } catch (error) {', '            await queryRunner.rollbackTransaction();', '            throw error;', '        }');
    }
    lines.push('    }', '    async down() {', `        throw new Error('${cls}: no automatic rollback for a migration rewritten by pgsafe fix; write one if you need it');`, '    }', '}');
    return { path: `${ts}-${base}${deploy > 1 ? `Deploy${deploy}` : ''}.js`, deploy, sql: `${lines.join('\n')}\n` };
  });
}
