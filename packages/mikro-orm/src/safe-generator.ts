/**
 * `mikro-orm migration:create` writing the safe form: the stock generator's statements go through core's fix
 * (indexes on existing tables built CONCURRENTLY, constraints added NOT VALID and validated later, ...), and
 * each step it cuts becomes a migration file of its own, written by the project's own generator (TS or JS): a
 * part that cannot run in a transaction gets `isTransactional()` returning false. The extra files share the first
 * one's timestamp and sort after it; each gets a down() undoing it. What cannot be rewritten without the user's choice
 * (a required column without a default) stays as generated under a `-- pgsafe to do` comment, and is printed with its
 * recipe. Works on MikroORM 6 and 7 (the same generator API).
 */
/** pgsafe's fix and check, loaded when a migration is generated (never in a deploy). */
const core = () => import('@pgsafe/core');

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
  name: string | undefined;
  statements: string[];
  transactional: boolean;
  /** Undoes this part (MikroORM reverts the parts last first); absent: the generator's own down on the first part. */
  down?: string[];
}

const GUARDED = Symbol.for('pgsafe.mikro-orm.generator');

export function guardGenerator(generator: MikroGenerator, mode: GeneratorMode, pgVersion: number | undefined, say: (text: string) => void): MikroGenerator {
  const g = generator as MikroGenerator & { [GUARDED]?: true };
  if (mode === 'off' || g[GUARDED]) return generator;
  g[GUARDED] = true;
  const generate = generator.generate.bind(generator);
  const generateFile = generator.generateMigrationFile.bind(generator);

  generator.generate = async (diff, path, name) => {
    const { mikroOrmNonTransactional, mikroOrmNoOpDown } = await core();
    const parts = mode === 'rewrite' ? await safeParts(diff.up, name, pgVersion) : { parts: [{ name, statements: diff.up, transactional: true }], changes: [], todos: [] };
    const written: [string, string][] = [];
    const restore = sameTimestamp(generator);
    try {
      for (const [i, part] of parts.parts.entries()) {
        generator.generateMigrationFile = async (className, d) => {
          const code = await generateFile(className, d);
          const reverted = part.down ? mikroOrmNoOpDown(code) : code;
          return part.transactional ? reverted : mikroOrmNonTransactional(reverted);
        };
        written.push(await generate({ up: part.statements, down: part.down ?? (i === 0 ? diff.down : []) }, path, part.name));
      }
    } finally {
      generator.generateMigrationFile = generateFile;
      restore();
    }
    if (parts.changes.length) {
      say(`pgsafe: wrote the safe form of this migration:\n${parts.changes.map((c) => `  - ${c}`).join('\n')}`);
      if (written.length > 1) say(`pgsafe: in ${written.length} migrations: ${written.map(([, file]) => file).join(', ')} (applied in that order; migration:down reverts them last first)`);
    }
    if (parts.todos.length) say(`pgsafe: left as generated, under a "-- pgsafe to do" comment, for you to change by hand (migration:up through withPgsafe refuses them until then):\n${parts.todos.map((t) => `  - ${t}`).join('\n')}`);
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

async function safeParts(statements: string[], name: string | undefined, pgVersion: number | undefined): Promise<{ parts: FilePart[]; changes: string[]; todos: string[] }> {
  const { fix, loadParser, mikroOrmParts, parseMigration } = await core();
  await loadParser();
  const generated = statements.map(terminated);
  // What can be rewritten is; a statement needing the user's choice (a value, a later deploy) or no rewrite at all
  // stays as generated under a `-- pgsafe to do [<rule>]` comment (core's keepUndecided).
  const fixed = fix(parseMigration(generated.join('\n'), 'generated'), { runnerSetsTimeouts: true, keepUndecided: true, ...(pgVersion ? { pgVersion } : {}) });
  const todos = fixed.unfixed.map((f) => `[${f.rule}] ${f.statement.text.trim().split('\n')[0]}: ${f.message}`);
  // The same parts, names and downs as `pgsafe fix --runner mikro-orm` (core's render-orm.ts). Where core cannot undo
  // a step (a dropped column), the generator's own down() keeps its meaning, on the first part as before.
  const parts = mikroOrmParts(fixed, name);
  const undone = parts.every((p) => Array.isArray(p.down));
  return { parts: parts.map((p) => ({ name: p.name, statements: p.statements, transactional: p.transactional, ...(undone ? { down: p.down as string[] } : {}) })), changes: fixed.changes.map((c) => c.message), todos };
}

async function reportFindings(parts: FilePart[], pgVersion: number | undefined, say: (text: string) => void): Promise<void> {
  const { checkSql, renderFinding } = await core();
  for (const part of parts) {
    const source = part.statements.map(terminated).join('\n');
    const { findings } = await checkSql(source, 'generated migration', { assumeInTransaction: part.transactional, runnerSetsTimeouts: true, severities: { 'prefer-robust-stmts': 'off' }, ...(pgVersion ? { pgVersion } : {}) });
    for (const f of findings.filter((x) => x.severity === 'error')) say(`pgsafe: the generated migration needs a change before it can run on a table with rows:\n${renderFinding(f, source)}`);
  }
}

function terminated(statement: string): string {
  return `${statement.trim().replace(/;$/, '')};`;
}
