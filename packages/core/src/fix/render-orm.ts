/** A fix result as JavaScript migrations for knex and TypeORM (one file per deploy, each step run as planned) and
 *  MikroORM (one migration class per step). */
import { parseMigration } from '../parse.js';
import { downOf, downParts, irreversibleMessage, type DownPart } from './down.js';
import { deployHeader, STEP_LABEL, timeoutLines, type FixFile } from './render.js';
import type { FixResult, FixStep } from './types.js';

/** Where a deploy's file goes, relative to the migrations directory: a later deploy outside it, in
 *  `../pgsafe-deploy-<N>/` (the ORM's migrate command would otherwise apply every deploy at once, the contract step
 *  while the old application still runs), to move in when the application is ready for it. */
const deployPath = (deploy: number, file: string) => (deploy > 1 ? `../pgsafe-deploy-${deploy}/${file}` : file);

/** How a project's migrations are written, and their file extension. See `migrationModuleFormat`. */
export interface ModuleFormat {
  /** `import`/`export` (TypeScript always: whatever it compiles to), else `require`/`exports`. */
  esm: boolean;
  typescript: boolean;
  ext: string;
}
export const COMMONJS: ModuleFormat = { esm: false, typescript: false, ext: '.js' };
export const ES_MODULE: ModuleFormat = { esm: true, typescript: false, ext: '.js' };

/** The statements of a step, each after the `-- pgsafe to do` comments above it (FixOptions.keepUndecided): the ORM
 *  files carry each statement on its own, and the to-do must stay at its statement. */
function statementTexts(sql: string, file: string): string[] {
  const statements = parseMigration(sql, file).statements;
  return statements.map((s, i) => {
    const before = sql.slice(i === 0 ? 0 : statements[i - 1]!.end.offset, s.start.offset);
    const todos = before.match(/^[ \t]*-- pgsafe to do\b[^\n]*$/gm) ?? [];
    return [...todos.map((t) => t.trim()), s.text].join('\n');
  });
}

/** A JavaScript template literal holding `sql` as written. A byte of the migration that is not UTF-8 (decodeSourceBytes
 *  keeps it as an escape) becomes `\xNN`: the character of that byte in LATIN1, which the ORM's driver sends as UTF-8
 *  and a LATIN1 database stores as the same byte. Written as the raw byte, Node would read U+FFFD instead. */
const jsString = (sql: string) =>
  `\`${sql
    .replace(/[\\`]/g, (m) => `\\${m}`)
    .replace(/\$\{/g, '\\${')
    .replace(/(?<![\ud800-\udbff])[\udc80-\udcff]/g, (c) => `\\x${(c.charCodeAt(0) - 0xdc00).toString(16).toUpperCase()}`)}\``;
/** The same for knex.raw, which reads each unescaped `?` as a binding. */
const knexString = (sql: string) => jsString(sql.replace(/\?/g, '\\?'));

/** For knex: one migration file per deploy (`<name>.js`, then `<name>_deploy<N>.js`), with `transaction: false` so
 *  that each step runs as planned: the transactional ones in `knex.transaction` (with `SET LOCAL` timeouts), the
 *  others alone. Each statement is its own query. `down` undoes the steps in reverse in the same style (see down.ts),
 *  or refuses before doing anything when one of them cannot be undone. */
export function renderKnexMigrations(result: FixResult, name: string, format: ModuleFormat = COMMONJS): FixFile[] {
  const exported = (fn: string, params: string, typed: string) =>
    format.esm ? `export async function ${fn}(${format.typescript ? `${typed}): Promise<void>` : `${params})`} {` : `exports.${fn} = async function (${params}) {`;
  const close = format.esm ? '}' : '};';
  return result.deploys.map(({ deploy }) => {
    const steps = result.steps.filter((s) => s.deploy === deploy);
    const lines = [
      ...deployHeader(result, deploy).map((l) => l.replace(/^--/, '//')),
      `// Written by pgsafe fix from ${result.file}.`,
      ...(format.typescript ? ["import type { Knex } from 'knex';", ''] : []),
      format.esm ? 'export const config = { transaction: false };' : 'exports.config = { transaction: false };',
      '',
      exported('up', 'knex', 'knex: Knex'),
    ];
    for (const [i, step] of steps.entries()) {
      const statements = statementTexts(step.sql, result.file);
      lines.push(`  // step ${i + 1}/${steps.length}: ${STEP_LABEL(step)}`);
      if (step.transactional) {
        lines.push('  await knex.transaction(async (trx) => {');
        for (const sql of [...timeoutLines(result, 'SET LOCAL', step.long).map((s) => s.replace(/;$/, '')), ...statements]) lines.push(`    await trx.raw(${knexString(sql)});`);
        lines.push('  });');
      } else for (const sql of statements) lines.push(`  await knex.raw(${knexString(sql)});`);
    }
    const file = deploy === 1 ? `${name}${format.ext}` : `${name}_deploy${deploy}${format.ext}`;
    const down = downOf(result, steps);
    lines.push(close, '');
    if ('irreversible' in down) lines.push(exported('down', '', ''), `  throw new Error(${JSON.stringify(irreversibleMessage(file, down.irreversible))});`);
    else {
      lines.push(exported('down', 'knex', 'knex: Knex'), '  // Undoes the steps above, last first.');
      for (const part of downParts(down.perStep)) {
        if (!part.transactional) lines.push(...part.statements.map((sql) => `  await knex.raw(${knexString(sql)});`));
        else lines.push('  await knex.transaction(async (trx) => {', ...downStatements(result, part).map((sql) => `    await trx.raw(${knexString(sql)});`), '  });');
      }
    }
    lines.push(close);
    return { path: deployPath(deploy, file), deploy, sql: `${lines.join('\n')}\n` };
  });
}

/** For TypeORM: one migration class per deploy. A name `<timestamp>-<Name>` (TypeORM's own) is kept, the later
 *  deploys following at timestamp + 1, + 2. `transaction = false` (the data source needs `migrationsTransactionMode:
 *  'each'`) so that each step runs as planned: the transactional ones between startTransaction and
 *  commitTransaction with `SET LOCAL` timeouts, the others alone. `down` undoes them in reverse in the same way, or
 *  refuses before doing anything (see down.ts). */
export function renderTypeormMigrations(result: FixResult, name: string, format: ModuleFormat = ES_MODULE): FixFile[] {
  const m = /^(\d+)-([A-Za-z_]\w*)$/.exec(name);
  if (!m) throw new RangeError(`a TypeORM migration is named <timestamp>-<Name>, e.g. 1700000000004-AddStatus: got ${name}`);
  const [, stamp, base] = m as unknown as [string, string, string];
  return result.deploys.map(({ deploy }) => {
    const ts = (BigInt(stamp) + BigInt(deploy - 1)).toString();
    const cls = `${base}${deploy > 1 ? `Deploy${deploy}` : ''}${ts}`;
    const steps = result.steps.filter((s) => s.deploy === deploy);
    const q = (sql: string, indent: string) => `${indent}await queryRunner.query(${jsString(sql)});`;
    const lines = [
      ...deployHeader(result, deploy).map((l) => l.replace(/^--/, '//')),
      `// Written by pgsafe fix from ${result.file}; needs migrationsTransactionMode: 'each'.`,
      ...(format.typescript ? ["import type { MigrationInterface, QueryRunner } from 'typeorm';", ''] : []),
      `${format.esm ? 'export ' : ''}class ${cls}${format.typescript ? ' implements MigrationInterface' : ''} {`,
      `    name = '${cls}';`,
      '    transaction = false;',
      `    async up(queryRunner${format.typescript ? ': QueryRunner): Promise<void>' : ')'} {`,
    ];
    for (const [i, step] of steps.entries()) {
      const statements = statementTexts(step.sql, result.file);
      lines.push(`        // step ${i + 1}/${steps.length}: ${STEP_LABEL(step)}`);
      if (!step.transactional) {
        lines.push(...statements.map((s) => q(s, '        ')));
        continue;
      }
      lines.push('        await queryRunner.startTransaction();', '        try {');
      lines.push(...[...timeoutLines(result, 'SET LOCAL', step.long).map((s) => s.replace(/;$/, '')), ...statements].map((s) => q(s, '            ')));
      lines.push('            await queryRunner.commitTransaction();', '        } catch (error) {', '            await queryRunner.rollbackTransaction();', '            throw error;', '        }');
    }
    lines.push('    }');
    const down = downOf(result, steps);
    if ('irreversible' in down) lines.push(`    async down()${format.typescript ? ': Promise<void>' : ''} {`, `        throw new Error(${JSON.stringify(irreversibleMessage(cls, down.irreversible))});`);
    else {
      const parts = downParts(down.perStep);
      lines.push(`    async down(queryRunner${format.typescript ? ': QueryRunner): Promise<void>' : ')'} {`, '        // Undoes the steps of up(), last first.');
      // TypeORM's migration:revert opens a transaction around down() whatever `transaction = false` says.
      if (parts.some((p) => !p.transactional)) lines.push(`        if (queryRunner.isTransactionActive) throw new Error(${JSON.stringify(`${cls}: down() drops an index CONCURRENTLY, which cannot run in the transaction TypeORM opens around a revert: run typeorm migration:revert --transaction none. Nothing was rolled back`)});`);
      for (const part of parts) {
        if (!part.transactional) {
          lines.push(...part.statements.map((sql) => q(sql, '        ')));
          continue;
        }
        lines.push('        await queryRunner.startTransaction();', '        try {');
        lines.push(...downStatements(result, part).map((sql) => q(sql, '            ')));
        lines.push('            await queryRunner.commitTransaction();', '        } catch (error) {', '            await queryRunner.rollbackTransaction();', '            throw error;', '        }');
      }
    }
    lines.push('    }', '}');
    if (!format.esm && !format.typescript) lines.push(`exports.${cls} = ${cls};`);
    return { path: deployPath(deploy, `${ts}-${base}${deploy > 1 ? `Deploy${deploy}` : ''}${format.ext}`), deploy, sql: `${lines.join('\n')}\n` };
  });
}

/** One MikroORM migration of a fix result: a step, with the statements MikroORM's addSql takes. */
export interface MikroOrmPart {
  /** The migration name after the timestamp (`Migration<timestamp>_<name>`): the first step keeps `name`, the
   *  others follow as `<name>_pgsafe<N>_<slug>`, sorting after it ('.' sorts before '_') in the order they run. */
  name: string | undefined;
  deploy: number;
  statements: string[];
  /** false: `isTransactional()` returns false (CREATE INDEX CONCURRENTLY, a backfill that commits per batch). */
  transactional: boolean;
  /** What `down()` runs (in the part's own transaction when it is transactional), or why it refuses: the parts of a
   *  deploy are undone together or not at all (see down.ts). */
  down: string[] | { irreversible: string };
}

/** The steps of a fix result as MikroORM migrations, shared by `pgsafe fix --runner mikro-orm` and the adapter's
 *  `migration:create`. A transactional step gets `SET LOCAL` timeouts: MikroORM runs it in its own transaction. */
export function mikroOrmParts(result: FixResult, name: string | undefined): MikroOrmPart[] {
  const steps = result.steps
    .map((step) => ({ step, statements: statementTexts(step.sql, result.file).map((s) => `${s};`) }))
    .filter(({ statements }) => statements.length);
  const downs = new Map<FixStep, MikroOrmPart['down']>();
  for (const { deploy } of result.deploys) {
    const ofDeploy = steps.filter(({ step }) => step.deploy === deploy).map(({ step }) => step);
    const down = downOf(result, ofDeploy);
    ofDeploy.forEach((step, i) => downs.set(step, 'irreversible' in down ? { irreversible: down.irreversible } : mikroOrmDown(result, step, down.perStep[i]!)));
  }
  return steps.map(({ step, statements }, i) => ({
    name: i === 0 ? name : [name, `pgsafe${String(i + 1).padStart(2, '0')}`, step.slug].filter(Boolean).join('_'),
    deploy: step.deploy,
    transactional: step.transactional,
    statements: [...(step.transactional ? timeoutLines(result, 'SET LOCAL', step.long) : []), ...statements],
    down: downs.get(step)!,
  }));
}

/** One part's down statements: MikroORM runs them as it runs up (in the part's transaction, or each alone). */
function mikroOrmDown(result: FixResult, step: FixStep, parts: DownPart[]): string[] {
  const statements = parts.flatMap((p) => p.statements);
  return statements.length ? [...(step.transactional ? timeoutLines(result, 'SET LOCAL', false) : []), ...statements].map((s) => s.replace(/;?$/, ';')) : [];
}

/** A transactional part of a down(): `SET LOCAL` timeouts first, as in up(). */
function downStatements(result: FixResult, part: DownPart): string[] {
  return [...timeoutLines(result, 'SET LOCAL', false).map((s) => s.replace(/;$/, '')), ...part.statements];
}

/** A migration class with `isTransactional()` returning false, in the style of the code around it (TS with
 *  `override`, or JS). */
export function mikroOrmNonTransactional(code: string): string {
  return addMethod(code, /override /.test(code) ? '  override isTransactional(): boolean {\n    return false;\n  }\n' : '  isTransactional() {\n    return false;\n  }\n');
}

/** A migration class with a `down()` that does nothing, for a part whose effect the down() of another part undoes
 *  (a VALIDATE): without one, MikroORM's generators write no down() and migration:down refuses to revert it. */
export function mikroOrmNoOpDown(code: string): string {
  if (/\bdown\(/.test(code)) return code;
  return addMethod(code, `  ${/override /.test(code) ? 'override async down(): Promise<void>' : 'async down()'} {\n    // Nothing to undo here: the other migrations of this change undo it.\n  }\n`);
}

function addMethod(code: string, method: string): string {
  const end = code.lastIndexOf('}');
  const head = code.slice(0, end);
  return `${head}${/\n\s*\n$/.test(head) ? '' : '\n'}${method}${code.slice(end)}`;
}

/** For MikroORM: one migration class per step, as its generators write them (CommonJS by default), from a name
 *  `Migration<timestamp>[_<name>]` (its own); every file keeps the timestamp, the later ones sorting after the first
 *  (see MikroOrmPart.name). The steps outside a transaction need `migrations: { allOrNothing: false }`, or they would
 *  wait for the transaction MikroORM keeps open around the batch. A later deploy's first file says what the
 *  application must do before it. Each `down()` undoes its part (see down.ts); MikroORM reverts the parts last
 *  first. */
export function renderMikroOrmMigrations(result: FixResult, name: string, format: ModuleFormat = COMMONJS): FixFile[] {
  const m = /^Migration(\d+)(?:_(\w+))?$/.exec(name);
  if (!m) throw new RangeError(`a MikroORM migration is named Migration<timestamp>[_<name>], e.g. Migration20260101000000_add_status: got ${name}`);
  const [, stamp, base] = m as unknown as [string, string, string | undefined];
  const parts = mikroOrmParts(result, base);
  return parts.map((part, i) => {
    const cls = `Migration${stamp}${part.name ? `_${part.name}` : ''}`;
    const firstOfDeploy = parts.findIndex((p) => p.deploy === part.deploy) === i;
    const head = [
      ...(firstOfDeploy ? deployHeader(result, part.deploy).map((l) => l.replace(/^--/, '//')) : []),
      `// Written by pgsafe fix from ${result.file} (step ${i + 1} of ${parts.length}); needs migrations: { allOrNothing: false }.`,
      ...(format.esm ? ["import { Migration } from '@mikro-orm/migrations';"] : ["'use strict';", "Object.defineProperty(exports, '__esModule', { value: true });", "const { Migration } = require('@mikro-orm/migrations');"]),
    ];
    // Unlike knex.raw, `?` stays as written: addSql's SQL runs without bindings (MikroORM 6 then skips knex's `?`
    // placeholders: AbstractSqlConnection.patchKnexClient; 7 sends it as is).
    const up = part.statements.map((s) => `    this.addSql(${jsString(s)});`);
    const open = (fn: string) => (format.typescript ? [`  override async ${fn}(): Promise<void> {`] : [`  async ${fn}() {`]);
    const down = !Array.isArray(part.down) ? [`    throw new Error(${JSON.stringify(irreversibleMessage(cls, part.down.irreversible))});`]
      : part.down.length ? part.down.map((s) => `    this.addSql(${jsString(s)});`)
      : ['    // Nothing to undo here: the other migrations of this change undo it.'];
    const klass = `${[`${format.esm ? 'export ' : ''}class ${cls} extends Migration {`, ...open('up'), ...up, '  }', '', ...open('down'), ...down, '  }', '}'].join('\n')}\n`;
    const sql = `${head.join('\n')}\n\n${part.transactional ? klass : mikroOrmNonTransactional(klass)}${format.esm ? '' : `exports.${cls} = ${cls};\n`}`;
    return { path: deployPath(part.deploy, `${cls}${format.ext}`), deploy: part.deploy, sql };
  });
}
