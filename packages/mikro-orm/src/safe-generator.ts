/**
 * `mikro-orm migration:create` writing the safe form: the stock generator's statements go through core's fix
 * (indexes on existing tables built CONCURRENTLY, constraints added NOT VALID and validated later, ...), and
 * each step it cuts becomes a migration file of its own, written by the project's own generator (TS or JS): a
 * part that cannot run in a transaction gets `isTransactional()` returning false. The extra files share the first
 * one's timestamp and sort after it. What cannot be rewritten mechanically (a required column without a default) is
 * printed with its recipe. Works on MikroORM 6 and 7 (the same generator API).
 */
import { checkSql, fix, loadParser, parseMigration, renderFinding } from '@pgsafe/core';

interface MigrationDiff {
  up: string[];
  down: string[];
}

export interface MikroGenerator {
  options: { fileName(timestamp: string, name?: string): string };
  namingStrategy: { classToMigrationName(timestamp: string, name?: string): string };
  generate(diff: MigrationDiff, path?: string, name?: string): Promise<[string, string]>;
  generateMigrationFile(className: string, diff: MigrationDiff): string | Promise<string>;
}

export type GeneratorMode = 'rewrite' | 'check' | 'off';

interface FilePart {
  statements: string[];
  transactional: boolean;
  slug?: string;
}

const GUARDED = Symbol.for('pgsafe.mikro-orm.generator');

export function guardGenerator(generator: MikroGenerator, mode: GeneratorMode, pgVersion: number | undefined, say: (text: string) => void): MikroGenerator {
  const g = generator as MikroGenerator & { [GUARDED]?: true };
  if (mode === 'off' || g[GUARDED]) return generator;
  g[GUARDED] = true;
  const generate = generator.generate.bind(generator);
  const generateFile = generator.generateMigrationFile.bind(generator);

  generator.generate = async (diff, path, name) => {
    const parts = mode === 'rewrite' ? await safeParts(diff.up, pgVersion) : { parts: [{ statements: diff.up, transactional: true }], changes: [] };
    const written: [string, string][] = [];
    const restore = sameTimestamp(generator);
    try {
      for (const [i, part] of parts.parts.entries()) {
        generator.generateMigrationFile = async (className, d) => (part.transactional ? generateFile(className, d) : nonTransactional(await generateFile(className, d)));
        // `<first>_pgsafe2_<what>`: after the first file ('.' sorts before '_'), in the order the parts run.
        const partName = i === 0 ? name : [name, `pgsafe${i + 1}`, part.slug].filter(Boolean).join('_');
        written.push(await generate({ up: part.statements, down: i === 0 ? diff.down : [] }, path, partName));
      }
    } finally {
      generator.generateMigrationFile = generateFile;
      restore();
    }
    if (parts.changes.length) {
      say(`pgsafe: wrote the safe form of this migration:\n${parts.changes.map((c) => `  - ${c}`).join('\n')}`);
      if (written.length > 1) say(`pgsafe: in ${written.length} migrations: ${written.map(([, file]) => file).join(', ')} (apply them in that order; ${written.slice(1).map(([, file]) => file).join(', ')} reverted with the first)`);
    }
    await reportFindings(parts.parts, pgVersion, say);
    return written[0]!;
  };
  return generator;
}

/** Every file of one generate() call gets the first file's timestamp (the generator takes the clock per file). */
function sameTimestamp(generator: MikroGenerator): () => void {
  const { options, namingStrategy } = generator;
  const fileName = options.fileName;
  const className = namingStrategy.classToMigrationName;
  let first: string | undefined;
  options.fileName = (timestamp, name) => fileName.call(options, (first ??= timestamp), name);
  namingStrategy.classToMigrationName = (timestamp, name) => className.call(namingStrategy, (first ??= timestamp), name);
  return () => {
    options.fileName = fileName;
    namingStrategy.classToMigrationName = className;
  };
}

async function safeParts(statements: string[], pgVersion: number | undefined): Promise<{ parts: FilePart[]; changes: string[] }> {
  await loadParser();
  const generated = statements.map(terminated);
  const fixed = fix(parseMigration(generated.join('\n'), 'generated'), { runnerSetsTimeouts: true, ...(pgVersion ? { pgVersion } : {}) });
  // A rewrite needing the user's choice (a value, a later deploy) is not written: the findings say what to do.
  if (fixed.todos.length || fixed.deploys.length > 1) return { parts: [{ statements: generated, transactional: true }], changes: [] };
  const parts = fixed.steps.map((step) => ({
    statements: parseMigration(step.sql, 'generated').statements.map((s) => `${s.text};`),
    transactional: step.transactional,
    slug: step.slug,
  }));
  return { parts: parts.filter((p) => p.statements.length), changes: fixed.changes.map((c) => c.message) };
}

async function reportFindings(parts: FilePart[], pgVersion: number | undefined, say: (text: string) => void): Promise<void> {
  for (const part of parts) {
    const source = part.statements.map(terminated).join('\n');
    const { findings } = await checkSql(source, 'generated migration', { assumeInTransaction: part.transactional, runnerSetsTimeouts: true, severities: { 'prefer-robust-stmts': 'off' }, ...(pgVersion ? { pgVersion } : {}) });
    for (const f of findings.filter((x) => x.severity === 'error')) say(`pgsafe: the generated migration needs a change before it can run on a table with rows:\n${renderFinding(f, source)}`);
  }
}

/** The class with `isTransactional()` returning false, in the generator's own style (TS with `override`, or JS). */
function nonTransactional(code: string): string {
  const method = /override /.test(code) ? '  override isTransactional(): boolean {\n    return false;\n  }\n' : '  isTransactional() {\n    return false;\n  }\n';
  const end = code.lastIndexOf('}');
  return `${code.slice(0, end)}${method}${code.slice(end)}`;
}

function terminated(statement: string): string {
  return `${statement.trim().replace(/;$/, '')};`;
}
