/**
 * MigrationHistory: a folder's migrations judged in the order their runner applies them, each in the schema the
 * earlier ones leave (replayed into one SchemaState) and in the transaction its runner wraps it in.
 *
 *   const history = new MigrationHistory(options);
 *   for (const m of inRunnerOrder) findings.push(...history.next(m.parsed, { name, execution }));
 *
 * Migrations given with `report: false` are only replayed: the context of the ones checked after them (`check
 * --since`, or a file named alone after its folder's earlier migrations).
 */
import type { ParsedMigration } from '../parse.js';
import { analyze, type AnalyzeRunOptions } from '../analyze.js';
import { SchemaModel } from '../schema-model.js';
import type { Finding } from '../finding.js';
import { resolveOptions } from '../options.js';
import { nonTransactionalKind } from '../plan/classify.js';
import { SchemaState } from './schema-state.js';
import type { FileExecution } from './runners.js';
import { trackStates } from '../transactions.js';
import { heldBy, type EarlierInTransaction } from './open-transaction.js';

export interface HistoryStep {
  /** The runner's name of the migration. */
  name: string;
  /** How the runner runs it (from `fileExecution`); default: as the options say. */
  execution?: FileExecution;
  /** Judge it (default) or only replay it. */
  report?: boolean;
  /** Part of the deploy being judged (pending together with the migrations after it). Default false. */
  inBatch?: boolean;
  /** The runner runs this migration in one transaction with the migrations around it (knex's batch, TypeORM's mode
   *  'all', MikroORM's allOrNothing), and says why: consecutive checked migrations with it are judged in that one
   *  transaction (the locks an earlier one took are still held), as one batch. */
  batchTransaction?: string;
  /** It runs outside that transaction, on another connection, while the transaction stays open (MikroORM's
   *  allOrNothing runs a non-transactional migration so): the migrations of the transaction after it are judged with
   *  the locks the ones before it took, still held. */
  besideBatchTransaction?: boolean;
}

export class MigrationHistory {
  readonly state = new SchemaState();
  /** What the checked migrations of the batch transaction left held so far (see open-transaction.ts). */
  #open: EarlierInTransaction[] | undefined;

  constructor(private readonly options: AnalyzeRunOptions = {}) {}

  /** Replays `migration` after the earlier ones and returns its findings (none when `report` is false). */
  next(migration: ParsedMigration, step: HistoryStep): Finding[] {
    const { execution } = step;
    const shared = step.report !== false ? step.batchTransaction : undefined;
    this.state.beginMigration(step.name, (step.inBatch ?? false) || shared !== undefined);
    const schema = new SchemaModel(this.state);
    const downFrom = execution?.downFrom ?? Infinity;
    for (const stmt of migration.statements) this.state.apply(stmt, stmt.start.offset >= downFrom);
    const earlier = shared !== undefined ? this.#open : undefined;
    if (!step.besideBatchTransaction) this.#open = undefined;
    if (step.report === false) return [];
    const runner = this.options.assumeInTransaction === undefined ? transactionOption(execution, migration, resolveOptions(this.options).pgVersion) : {};
    const options = { ...this.options, ...runner, ...(execution ? { runner: execution.runner } : {}), ...(earlier?.length ? { openTransaction: { transaction: 0, because: shared!, earlier } } : {}) };
    const states = trackStates(migration.statements, resolveOptions(options));
    // The batch's transaction is the first one the migration's statements run in (its runner wraps it whole).
    if (shared !== undefined) this.#open = [...(earlier ?? []), ...heldBy(step.name, migration, schema, (i) => states[i]!.transaction === 0)];
    // The down section of a file (goose, dbmate, node-pg-migrate) runs only on a manual rollback: not reported, as
    // the separate down files of a folder are not (cli history-inputs.ts).
    const findings = analyze(migration, { ...options, schema, states });
    return downFrom === Infinity ? findings : findings.filter((f) => f.statement.index < 0 || f.statement.start.offset < downFrom);
  }
}

/** The transaction the runner wraps the migration in (used unless the options, from the command line or the config,
 *  say otherwise). */
function transactionOption(execution: FileExecution | undefined, migration: ParsedMigration, pgVersion: number): { assumeInTransaction?: boolean; implicitTransaction?: boolean } {
  if (!execution) return {};
  // Flyway runs a migration holding a statement PostgreSQL refuses in a transaction block (CREATE INDEX
  // CONCURRENTLY, ...) outside one (or refuses to mix it with transactional ones, before running anything).
  if (execution.runner === 'flyway' && migration.statements.some((s) => nonTransactionalKind(s, pgVersion) !== undefined)) return { assumeInTransaction: false };
  if (execution.implicit) return { implicitTransaction: execution.transactional && !aloneOutside(migration, pgVersion) };
  return { assumeInTransaction: execution.transactional };
}

/** A query of one statement is atomic all the same; only a statement PostgreSQL refuses in a transaction block
 *  (CREATE INDEX CONCURRENTLY alone in its file) then runs outside one. */
function aloneOutside(migration: ParsedMigration, pgVersion: number): boolean {
  const [only, ...more] = migration.statements;
  return !!only && more.length === 0 && nonTransactionalKind(only, pgVersion) !== undefined;
}
