/**
 * The batch and the data at deploy time: findings judged against the table they are about, as the deploy finds it.
 *
 * A danger that grows with the table (an index build without CONCURRENTLY, a validating scan, a rewrite, a backfill)
 * is no danger on an empty table, and a small one on a small table: empty → let through (with the reason), below the
 * large-table threshold → a warning that prints the measured size, at or above it → as the rule says, with the size.
 * A danger only to the application running now (it reads the column being renamed or dropped, it inserts without a
 * new required column) is none for a table created earlier in the same deploy: no running application knows it.
 * Everything else (statements that fail, transaction misuse) is judged as the rule says, whatever the size.
 */
import type { TableRef } from '../ast.js';
import { as, tableRef } from '../ast.js';
import type { Finding } from '../finding.js';
import type { ParsedMigration, ParsedStatement } from '../parse.js';
import type { SchemaModel } from '../schema-model.js';
import { locksTaken } from '../statement-locks.js';
import { describeSize, grouped, type MeasuredSize, type SizeReader } from './table-sizes.js';
import type { RowEstimator } from './row-estimate.js';
import { recentEmptyTable, sameChangeEmptyTable } from '../recent-table.js';
import { referenceRows } from '../reference-table.js';

/** An UPDATE/DELETE the planner expects to change at most this many rows is no bigger than one batch of the
 *  backfill recipe (1,000 rows a transaction): let through. */
const ONE_BATCH = 1_000;

/** Rules whose danger grows with the rows of the statement's table. */
const SIZE_DEPENDENT = new Set([
  'require-concurrent-index-creation',
  'adding-foreign-key-constraint',
  'constraint-missing-not-valid',
  'changing-column-type',
  'adding-field-with-default',
  'adding-serial-primary-key-field',
  'adding-not-nullable-field',
  'disallowed-unique-constraint',
  'adding-exclusion-constraint',
  'backfill-in-schema-migration',
  'validate-constraint-in-same-transaction',
  'require-concurrent-reindex',
  'prefer-repack',
]);

/** Rules whose danger is to the application that uses the table now. */
const APPLICATION_FACING = new Set([
  'ban-drop-column',
  'ban-drop-table',
  'renaming-column',
  'renaming-table',
  'adding-required-field',
  'ban-drop-not-null',
  'require-concurrent-index-deletion',
  'require-concurrent-partition-detach',
]);

/** A finding the context lets through, and why (printed, and in the JSON output). */
export interface PassedFinding {
  finding: Finding;
  reason: string;
}

export interface SizeGateOptions {
  /** Tables with at least this many rows keep their error-level findings (`run.largeTableRows`). */
  largeTableRows: number;
  /** Live sizes; without them only what the batch itself shows is known (tables it created and left empty). */
  sizes?: SizeReader | undefined;
  /** Live: the planner's estimate of the rows an UPDATE/DELETE changes (backfill-in-schema-migration is judged by it,
   *  not by the whole table's size, when the planner has statistics to go on). */
  estimateRows?: RowEstimator | undefined;
  /** Live: a relation, constraint or type of this name exists (where a truncated identifier would land). */
  nameTaken?: ((name: string) => Promise<boolean>) | undefined;
  /** `check --database-url`: the earlier migrations are a history, some of it maybe applied already. A table one of
   *  them created is new only when the live database does not have it yet; when it does, its live size counts. */
  earlierMaybeApplied?: boolean | undefined;
}

/** Judges `findings` (of `migration`, judged in `schema`) against the sizes of their tables. */
export async function judgeBySize(migration: ParsedMigration, findings: Finding[], schema: SchemaModel, options: SizeGateOptions): Promise<{ findings: Finding[]; passed: PassedFinding[] }> {
  const kept: Finding[] = [];
  const passed: PassedFinding[] = [];
  const sizes = new Map<string, Promise<MeasuredSize | undefined>>();
  for (const f of findings) {
    if (f.rule === 'identifier-too-long' && options.nameTaken) {
      kept.push(await truncation(f, options.nameTaken));
      continue;
    }
    const sizeDependent = SIZE_DEPENDENT.has(f.rule);
    const stmt = migration.statements[f.statement.index];
    const table = stmt && (sizeDependent || APPLICATION_FACING.has(f.rule)) ? subjectTable(stmt) : undefined;
    if (!stmt || !table) {
      kept.push(f);
      continue;
    }
    const key = `${stmt.index}:${table.key}`;
    const measure = () => {
      if (!sizes.has(key)) sizes.set(key, options.sizes ? options.sizes(table) : Promise.resolve(undefined));
      return sizes.get(key)!;
    };
    const created = await createdBy(schema, table, stmt.index, options.earlierMaybeApplied ? measure : undefined);
    if (created) {
      // No running application knows the table: its locks block nobody, however many rows the deploy put in it.
      // The rows it has are those the deploy's statements put in, when they tell (known even before it runs).
      const known = schema.knownRows(table, stmt.index);
      const live = known === undefined ? await measure() : undefined;
      const rows = known ?? (live?.exact ? live.rows : undefined);
      const text =
        known === 0 ? `${table.sql} has 0 rows` : known !== undefined ? `${table.sql} has at most ${count(known)} (put in by this deploy)` : live ? describeSize(live) : `${table.sql} has rows this deploy put in`;
      // ... but a NOT NULL column without a default fails on its first row.
      if (f.rule === 'adding-required-field' && rows !== 0) kept.push(withSize(f, `${text}; ${created}`));
      else passed.push({ finding: f, reason: `${text}; ${created}: no running application uses it yet` });
      continue;
    }
    const size = await measure();
    if (!size) {
      // Live, and not there: the statement does nothing (IF EXISTS) or fails; it locks nothing of anyone's.
      if (options.sizes) passed.push({ finding: f, reason: `${table.sql} does not exist in the live database (nor earlier in this deploy): nothing to lock` });
      else kept.push(f);
      continue;
    }
    const measured = describeSize(size);
    if (!sizeDependent) {
      // A NOT NULL column without a default on an empty table succeeds; the application's inserts still need it.
      if (f.rule === 'adding-required-field' && size.exact && size.rows === 0 && f.severity === 'error') kept.push(withSize({ ...f, severity: 'warning' }, `${measured}: adding the column succeeds`));
      else kept.push(f);
      continue;
    }
    const threshold = `the large-table threshold of ${count(options.largeTableRows)} (run.largeTableRows)`;
    const estimate = f.rule === 'backfill-in-schema-migration' && !(size.exact && size.rows === 0) ? await options.estimateRows?.(stmt, table) : undefined;
    if (estimate !== undefined) {
      // The rows this statement changes, not the table's: a WHERE on a non-key column can match few of many.
      const planned = `the planner estimates ~${count(Math.round(estimate))} changed by this ${stmt.kind === 'UpdateStmt' ? 'UPDATE' : 'DELETE'} (EXPLAIN; ${measured})`;
      if (estimate <= ONE_BATCH) passed.push({ finding: f, reason: `${planned}: no more than one batch of ${count(ONE_BATCH)}` });
      else if (estimate < options.largeTableRows) kept.push(withSize({ ...f, severity: 'warning' }, `${planned}: below ${threshold}, so a warning`));
      else kept.push(withSize(f, `${planned}: at or above ${threshold}`));
      continue;
    }
    if (size.exact && size.rows === 0) passed.push({ finding: f, reason: measured });
    else if (!size.atLeast && size.rows < options.largeTableRows) kept.push(withSize({ ...f, severity: 'warning' }, `${measured}: below ${threshold}, so a warning`));
    else kept.push(withSize(f, `${measured}: at or above ${threshold}`));
  }
  return { findings: kept, passed };
}

/** `check` without a database: a size-dependent finding on a table the deploy did not create cannot know the rows the
 *  table has. The lock is certain and the safe form costs little, so it keeps its severity, and its why says what
 *  decides and how to settle it. Unless the history shows the table small or empty, where the finding is dropped: a
 *  reference table its migrations fill with their own rows (reference-table.ts), or a table an earlier migration of
 *  the same change created and put no rows in (recent-table.ts). */
export function noteUnknownSize(migration: ParsedMigration, findings: Finding[], schema: SchemaModel): Finding[] {
  return findings.flatMap((f) => {
    if (f.rule === 'adding-required-field') return [askIfEmpty(migration, f, schema)];
    const stmt = SIZE_DEPENDENT.has(f.rule) ? migration.statements[f.statement.index] : undefined;
    const table = stmt && subjectTable(stmt);
    if (!stmt || !table || schema.isNewTable(table, stmt.index) || schema.createdEarlierInDeploy(table, stmt.index)) return [f];
    // A reference table the migrations fill themselves (their own VALUES rows): a few hundred rows at most, which an
    // index build, a validation or a rewrite goes through at once (as backfill-in-schema-migration already judged).
    if (referenceRows(schema, table, stmt.index) !== undefined) return [];
    // A table an earlier migration of the same change created (written hours before) and put no rows in: both ship in
    // one release, so it is empty when this statement runs.
    if (sameChangeEmptyTable(schema, table, stmt.index)) return [];
    return [{ ...f, why: `${f.why} How much it matters depends on the rows of ${table.sql}, which pgsafe cannot see without the database: \`pgsafe check --database-url\` measures them (an empty table passes, one below run.largeTableRows is a warning).` }];
  });
}

/** `check` without a database: a NOT NULL column without a default added to a table an earlier migration created
 *  days before and put no rows in fails only if the release that created it has put rows in it since, which only the
 *  live database knows. Said as a question, at warning level (as it is with the database when the table is empty);
 *  with the database (`check --database-url`, the deploy's guard) rows make it an error. */
function askIfEmpty(migration: ParsedMigration, f: Finding, schema: SchemaModel): Finding {
  const stmt = migration.statements[f.statement.index];
  const table = stmt && f.severity === 'error' ? subjectTable(stmt) : undefined;
  const recent = table && recentEmptyTable(schema, table, stmt!.index);
  if (!recent) return f;
  const age = `${recent.days} ${recent.days === 1 ? 'day' : 'days'}`;
  return {
    ...f,
    severity: 'warning',
    message: `${f.message.replace(/\.$/, '')}: does it have rows yet? ${recent.by} created it ${age} earlier and no migration put rows in it.`,
    why: `${f.why} Whether ${table!.sql} has rows yet depends on whether the release that created it ${age} earlier has been deployed and used, which pgsafe cannot see without the database, so this is a warning: \`pgsafe check --database-url\` counts them (an empty table takes the column; rows make this an error, as they do for the deploy's guard).`,
  };
}

/** Why the table is new at this statement, if it is: this migration or an earlier one of the deploy created it (with
 *  `measure`: an earlier one of the checked history, and the live database does not have it yet). */
async function createdBy(schema: SchemaModel, table: TableRef, before: number, measure?: () => Promise<MeasuredSize | undefined>): Promise<string | undefined> {
  if (schema.isNewTable(table, before)) return 'created earlier in this migration';
  if (!measure) {
    const earlier = schema.createdEarlierInDeploy(table, before)?.name;
    return earlier !== undefined ? `created earlier in this deploy by ${earlier}` : undefined;
  }
  const earlier = schema.createdByEarlier(table, before)?.name;
  return earlier !== undefined && !(await measure()) ? `created by ${earlier}, earlier in the checked migrations, and not in the live database yet` : undefined;
}

/** A name PostgreSQL cuts to 63 bytes is a refusal when the cut name is already taken (the statement fails, or an
 *  IF NOT EXISTS skips it silently); when it is free, the object just gets the cut name: a warning that says so. */
async function truncation(f: Finding, nameTaken: (name: string) => Promise<boolean>): Promise<Finding> {
  const cut = /will name it "?(.+?)"?\.$/.exec(f.message)?.[1]?.replace(/""/g, '"');
  if (!cut || f.severity !== 'error') return f;
  if (await nameTaken(cut)) return withSize(f, `${cut} is already taken in the live database`);
  return withSize({ ...f, severity: 'warning' }, `nothing is named ${cut} in the live database: the object gets that name, so a warning`);
}

function count(n: number): string {
  return `${grouped(n)} ${n === 1 ? 'row' : 'rows'}`;
}

function withSize(f: Finding, text: string): Finding {
  return { ...f, live: [...(f.live ?? []), { kind: 'table', text, estimate: false, data: {} }] };
}

/** The table whose rows the statement works through: the one it alters, indexes, updates or deletes from. */
export function subjectTable(stmt: ParsedStatement): TableRef | undefined {
  const node = stmt.node;
  const dml = as(node, 'UpdateStmt')?.relation ?? as(node, 'DeleteStmt')?.relation ?? as(node, 'InsertStmt')?.relation;
  return dml ? tableRef(dml) : locksTaken(stmt)[0]?.table;
}

/** One line for a let-through finding. */
export function describePassed(p: PassedFinding): string {
  return `${p.finding.rule} let through at ${p.finding.file}:${p.finding.start.line}: ${p.reason}`;
}
