/**
 * MigrationGuard: what the ORM adapters whose ORM sends a migration's statements one at a time (knex, TypeORM,
 * MikroORM) call for each statement. It checks the statement in the context of the migration's earlier statements
 * (refusing error-level findings before anything is sent), then runs it under lock and statement timeouts with
 * lock-timeout retries (see run-statement.ts).
 *
 * The context is the migration's SQL so far and the earlier migrations of the same run (one deploy batch, with the
 * live sizes of the tables, see context/deploy-batch.ts): the rules see what they see in `pgsafe check` (a table
 * created earlier is new, a transaction holds several strong locks). Each statement is parsed, replayed, judged and
 * planned alone, in that context: its cost does not grow with the migration (bench/linear-cost.mjs).
 */
import { loadParser, ParseError, type ParsedMigration, type ParsedStatement } from '../parse.js';
import { MigrationSoFar } from './migration-so-far.js';
import { StateTracker, type StatementState } from '../transactions.js';
import { resolveOptions } from '../options.js';
import { analyze } from '../analyze.js';
import { planResolved, resolvePlanOptions } from '../plan/plan.js';
import type { ResolvedPlanOptions } from '../plan/types.js';
import { timeoutSetting } from '../plan/classify.js';
import { renderFinding } from '../report/pretty.js';
import type { Step } from '../plan/types.js';
import type { Finding } from '../finding.js';
import { resolvePolicy, type ExecutePolicy } from '../execute/policy.js';
import { runStatement } from './run-statement.js';
import { inOrmTransaction } from './orm-recipe.js';
import { OUTSIDE_TRANSACTION } from './types.js';
import { describeBlockers, describeBuilder } from '../execute/describe.js';
import { UnsafeMigrationError } from './unsafe-migration-error.js';
import type { GuardEvent, GuardOptions, GuardSession, MigrationInfo } from './types.js';
import type { SchemaModel } from '../schema-model.js';
import { DeployBatch, LARGE_TABLE_ROWS } from '../context/deploy-batch.js';
import { liveContext } from '../context/table-sizes.js';
import { heldBy, type EarlierInTransaction } from '../context/open-transaction.js';
import { cannotWait, createdTable } from './cannot-wait.js';

/** Transaction control after which statements run in another transaction (savepoints stay in the same one). */
const ENDS_OR_BEGINS = /^\s*(BEGIN|START\s+TRANSACTION|COMMIT|END|ABORT|ROLLBACK)\b(?!\s+((WORK|TRANSACTION)\s+)?TO\b)/i;

/** Rules that look back over the transaction: refused for what an earlier migration of it did, the way out is a
 *  transaction of its own per migration (the adapter's OUTSIDE_TRANSACTION hint). */
const SHARED_TRANSACTION_RULES = new Set(['validate-constraint-in-same-transaction', 'backfill-in-schema-migration', 'lock-queue-risk']);

/** Checks that make no sense for statements an ORM sends one by one through a runner that sets the timeouts. */
const NOT_FOR_RUNTIME = { 'prefer-robust-stmts': 'off' } as const;

interface Current {
  info: MigrationInfo;
  /** Error-level findings stop the statement (false: reported as warnings, e.g. while rolling back). */
  enforce: boolean;
  /** The statements sent so far, parsed (each chunk followed by `\n;\n`: a line comment cannot swallow it). */
  sent: MigrationSoFar;
  /** The migration's own SETs of lock_timeout / statement_timeout so far (the plan folds them into later steps). */
  timeoutSettings: ParsedStatement[];
  /** Per statement: the database transaction it ran in (numbered in the migration, see `txNumbers`) or none, and
   *  the state the rules see, tracked as statements arrive. */
  transactions: (number | undefined)[];
  /** The database transactions the migration's statements ran in (see `transactionKey`), numbered in order. */
  txNumbers: Map<string, number>;
  /** The transaction its last statement in a transaction ran in: still open when the next migration starts if
   *  the ORM runs the batch in one (knex, TypeORM 'all', MikroORM allOrNothing). */
  lastTransaction?: string;
  /** Tables its statements created, and the transaction (number) each was created in. */
  created: Map<string, number>;
  states: StatementState[];
  tracker?: StateTracker;
  /** Per parsed statement: it ran inside the ORM's transaction. */
  inTransaction: boolean[];
  /** The migration's view of the deploy's schema; its statements so far are applied to the batch's state. */
  schema: SchemaModel;
}

export class MigrationGuard {
  private current: Current | undefined;
  private readonly policy: ExecutePolicy;
  private serverMajor: number | undefined;
  /** The migrations this guard ran: one deploy (a table an earlier one created is new to the later ones). */
  private readonly batch: DeployBatch;
  private readonly largeTableRows: number;
  /** The database transaction the ORM's connection is in, as last read (`transactionKey`), and whether it must be
   *  read again (a new migration, or transaction control the adapter saw). */
  private transaction: { key?: string; stale: boolean } = { stale: true };
  /** What earlier migrations left held in a transaction still open (knex's batch, TypeORM 'all', MikroORM
   *  allOrNothing): the rules judge a later migration in it with it (context/open-transaction.ts). */
  private open: { key: string; names: string[]; earlier: EarlierInTransaction[]; created: Set<string> } | undefined;
  /** The transaction in which a statement last ran through runStatement: its SET LOCAL timeouts are in force. */
  private guardedIn: string | undefined;
  /** The rules' settings: the config's, without the checks that make no sense at runtime (the same object for every
   *  statement, so analyze selects the rules once). */
  private readonly severities: Record<string, 'error' | 'warning' | 'off'>;
  /** The plan options, resolved once per server version (not per statement). */
  private planOptions: ResolvedPlanOptions | undefined;

  constructor(private readonly options: GuardOptions = {}) {
    this.largeTableRows = options.config?.run?.largeTableRows ?? LARGE_TABLE_ROWS;
    this.batch = new DeployBatch({ largeTableRows: this.largeTableRows });
    this.severities = { ...options.config?.rules, ...NOT_FOR_RUNTIME };
    // Pre-flight as in `pgsafe run`: `run.preflight` of the config (default wait), or the policy's.
    this.policy = resolvePolicy({ ...options.policy, preflight: { mode: options.config?.run?.preflight ?? 'wait', ...options.policy?.preflight } });
  }

  /** Starts the context of a new migration; statements until `endMigration` belong to it. `enforce: false` reports
   *  error-level findings without stopping the statement (a rollback, which must not be blocked when it is needed). */
  beginMigration(name: string, options: { file?: string; enforce?: boolean } = {}): void {
    this.endMigration();
    this.transaction.stale = true;
    this.current = { info: { name, ...(options.file ? { file: options.file } : {}) }, enforce: options.enforce ?? true, sent: new MigrationSoFar(sqlLabel({ name })), timeoutSettings: [], transactions: [], txNumbers: new Map(), created: new Map(), states: [], inTransaction: [], schema: this.batch.begin(name) };
  }

  endMigration(): void {
    const current = this.current;
    this.current = undefined;
    const key = current?.lastTransaction;
    if (!current || key === undefined) return;
    // What it leaves held in its last transaction, for the next migration if that one runs in it too.
    const tx = current.txNumbers.get(key);
    const held = heldBy(current.info.name, current.sent.migration, current.schema, (i) => current.transactions[i] === tx);
    const created = [...current.created].filter(([, t]) => t === tx).map(([table]) => table);
    this.open = this.open?.key === key
      ? { key, names: [...this.open.names, current.info.name], earlier: [...this.open.earlier, ...held], created: new Set([...this.open.created, ...created]) }
      : { key, names: [current.info.name], earlier: held, created: new Set(created) };
  }

  /** The adapter saw the ORM send transaction control (`sql`): after a BEGIN, COMMIT or ROLLBACK (not a savepoint's)
   *  the next statement's transaction is read again. */
  transactionControl(sql: string): void {
    if (ENDS_OR_BEGINS.test(sql)) this.transaction.stale = true;
  }

  /** The migration being run, if any. */
  get migration(): MigrationInfo | undefined {
    return this.current?.info;
  }

  /**
   * Checks `sql`, then runs `send` (the ORM sending it, possibly several times on retries) under timeouts.
   * Throws UnsafeMigrationError (nothing sent) on error-level findings, ParseError when the SQL does not parse, and
   * whatever the database raised when it fails for another reason than a lock timeout, or when retries run out.
   */
  async execute<T>(sql: string, session: GuardSession, send: () => Promise<T>): Promise<T> {
    const current = this.current;
    if (!current) throw new Error('MigrationGuard.execute() called outside a migration: call beginMigration() first');
    await loadParser();
    const pgVersion = await this.pgVersion(session);
    let migration: ParsedMigration;
    try {
      migration = current.sent.append(sql);
    } catch (error) {
      if (error instanceof ParseError) error.message = `pgsafe could not parse a statement of migration ${current.info.name}, so it was not sent: ${error.message}`;
      throw error;
    }
    const source = migration.source;
    const first = migration.statements.length > current.inTransaction.length ? current.inTransaction.length : -1;
    const added = migration.statements.slice(current.inTransaction.length);
    const txKey = session.inTransaction && added.length ? await this.transactionKey(session) : undefined;
    let tx: number | undefined;
    if (txKey !== undefined) {
      tx = current.txNumbers.get(txKey);
      if (tx === undefined) current.txNumbers.set(txKey, (tx = current.txNumbers.size));
    }
    const inTransaction = [...current.inTransaction, ...added.map(() => session.inTransaction)];
    for (const stmt of added) this.batch.state.apply(stmt);
    // Only the new statements are judged (the earlier ones were), in the context of all of them.
    const options = {
      pgVersion,
      runnerSetsTimeouts: true,
      transactions: current.transactions,
      severities: this.severities,
    };
    current.tracker ??= new StateTracker(resolveOptions(options));
    for (const stmt of added) {
      current.transactions[stmt.index] = tx;
      current.states[stmt.index] = current.tracker.next(stmt);
    }
    // An earlier migration's transaction still open: its locks are still held (knex's batch, TypeORM 'all', ...).
    const open = txKey !== undefined && this.open?.key === txKey ? { openTransaction: { transaction: tx!, because: `migration ${this.open.names.join(', ')} ran in this same database transaction, still open`, earlier: this.open.earlier } } : {};
    const found = first === -1 ? [] : analyze(migration, { ...options, ...open, schema: current.schema, states: current.states, from: first }).filter((f) => f.statement.index >= first);
    // Sizes read on the migration's own connection: inside the ORM's transaction it sees what the batch created.
    const { findings, passed } = await this.batch.gate(migration, found, current.schema, liveContext((q, p) => session.query(q, p), this.largeTableRows, session.inTransaction));
    for (const p of passed) this.emit({ type: 'passed', migration: current.info, finding: p.finding, reason: p.reason });

    const errors = findings.filter((f) => f.severity === 'error');
    if (errors.length && current.enforce) {
      // Advice in the ORM's terms: no COMMIT inside its transaction (orm-recipe.ts), its own way out of it.
      const advice = session.inTransaction ? errors.map(inOrmTransaction) : errors.map((finding) => ({ finding, split: false }));
      const byRule = session.inTransaction ? errors.flatMap((f) => this.options.hints?.[f.rule] ?? []) : [];
      // A lock an earlier migration holds in the same transaction: the way out is a transaction per migration.
      const shared = 'openTransaction' in open && errors.some((f) => SHARED_TRANSACTION_RULES.has(f.rule));
      const hints = [...new Set([...byRule, ...(advice.some((a) => a.split) || shared ? [this.options.hints?.[OUTSIDE_TRANSACTION] ?? []].flat() : [])])];
      throw new UnsafeMigrationError(current.info, sql, advice.map((a) => a.finding), source, hints);
    }
    for (const finding of findings) this.emit({ type: 'finding', migration: current.info, finding, text: renderFinding(finding, source) });
    current.sent.commit(migration);
    current.inTransaction = inTransaction;
    if (txKey !== undefined) current.lastTransaction = txKey;

    // The migration's own SET of a timeout is sent as it is: the planner folds it into later statements.
    if (first === -1) return send();
    if (added.every((s) => timeoutSetting(s))) {
      current.timeoutSettings.push(...added);
      return send();
    }
    // Only tables this transaction created, after a guarded statement of it: no lock to wait for, timeouts in force.
    const before = this.open;
    const createdHere = (table: string) => tx !== undefined && (current.created.get(table) === tx || (!!before && before.key === txKey && before.created.has(table)));
    const quiet = txKey !== undefined && this.guardedIn === txKey && added.every((s) => cannotWait(s, createdHere));
    for (const stmt of added) {
      const table = createdTable(stmt);
      if (table !== undefined && tx !== undefined) current.created.set(table, tx);
    }
    if (quiet) return send();
    if (txKey !== undefined) this.guardedIn = txKey;
    // The plan of the new statements after the migration's own timeout settings: the step (timeouts, retries,
    // pre-flight) they run in, at a cost that does not grow with the migration.
    const at = added[0]!.index;
    const own = [...current.timeoutSettings, ...added].map((s, i) => ({ ...s, index: i }));
    const step = stepOf(this.planFor({ ...migration, statements: own }, pgVersion), current.timeoutSettings.length);
    current.timeoutSettings.push(...added.filter((s) => timeoutSetting(s)));
    return runStatement({ sql, session, send, step, policy: this.policy, migration: current.info, emit: (e) => this.emit(e), ownTables: createdHere, unknownToApps: (t) => current.schema.isNewTable(t, at) || !!current.schema.createdEarlierInDeploy(t, at) });
  }

  private planFor(migration: ParsedMigration, pgVersion: number) {
    if (this.planOptions?.pgVersion !== pgVersion) {
      const run = this.options.config?.run ?? {};
      this.planOptions = resolvePlanOptions({
        pgVersion,
        robust: false,
        ...(run.lockTimeout !== undefined ? { lockTimeout: run.lockTimeout } : {}),
        ...(run.statementTimeout !== undefined ? { statementTimeout: run.statementTimeout } : {}),
        ...(run.longStatementTimeout !== undefined ? { longStatementTimeout: run.longStatementTimeout } : {}),
        ...(run.retries !== undefined ? { retries: run.retries } : {}),
        ...(run.retryBudget !== undefined ? { retryBudget: run.retryBudget } : {}),
      });
    }
    return planResolved(migration, this.planOptions);
  }

  /** The database transaction the session is in: its backend and start time (now() is the transaction's start:
   *  the same for every statement of one transaction, savepoints included). Read once per migration, and again after
   *  the adapter saw transaction control. */
  private async transactionKey(session: GuardSession): Promise<string> {
    if (this.transaction.stale || this.transaction.key === undefined) {
      const { rows } = await session.query("SELECT pg_backend_pid() || ':' || (extract(epoch FROM now()) * 1000000)::bigint AS tx");
      this.transaction = { key: String(rows[0]?.tx), stale: false };
    }
    return this.transaction.key!;
  }

  private async pgVersion(session: GuardSession): Promise<number> {
    if (this.options.config?.pgVersion) return this.options.config.pgVersion;
    if (this.serverMajor === undefined) {
      const { rows } = await session.query("SELECT current_setting('server_version_num')::int / 10000 AS major");
      this.serverMajor = Number(rows[0]?.major);
    }
    return this.serverMajor;
  }

  private emit(event: GuardEvent): void {
    if (this.options.onEvent) return this.options.onEvent(event);
    const line = describeGuardEvent(event);
    if (line) process.stderr.write(`${line}\n`);
  }
}

/** The label findings carry: their lines count in the SQL the migration sent, not in its source file. */
function sqlLabel(info: MigrationInfo): string {
  return `${info.name} (SQL sent)`;
}

/** The plan step holding statement `index` (its timeouts, retry budget and index cleanup apply). */
function stepOf(planned: { steps: Step[] }, index: number): Step {
  const step = planned.steps.find((s) => s.statements.some((st) => st.index === index));
  if (!step) throw new Error(`no plan step holds statement ${index}`);
  return step;
}

/** One line for stderr (none for completed statements). */
export function describeGuardEvent(event: GuardEvent): string | undefined {
  switch (event.type) {
    case 'finding':
      return `pgsafe: warning in migration ${event.migration.name}:\n${event.text}`;
    case 'passed':
      return `pgsafe: ${event.migration.name}: let through ${event.finding.rule} (${event.finding.message.replace(/\.$/, '')}): ${event.reason}`;
    case 'retry':
      return `pgsafe: ${event.migration.name}: ${event.message} (lock_timeout ${event.lockTimeoutMs}ms, attempt ${event.attempt}); trying again in ${event.delayMs}ms${event.blockers.length ? `; blocked by ${describeBlockers(event.blockers)}` : ''}`;
    case 'preflight':
      if (event.action === 'clear') return `pgsafe: ${event.migration.name}: pre-flight: the blocking sessions are gone after ${event.waitedMs}ms`;
      return `pgsafe: ${event.migration.name}: pre-flight: ${event.action === 'wait' ? 'waiting for' : 'not sending the statement, blocked by'} ${describeBlockers(event.blockers)}`;
    case 'invalid-index-dropped':
      return `pgsafe: ${event.migration.name}: dropped the INVALID index ${event.index} a failed concurrent build left`;
    case 'orphaned-build':
      return `pgsafe: ${event.migration.name}: ${describeBuilder(event)}`;
    case 'warning':
      return `pgsafe: warning in migration ${event.migration.name}: ${event.message}`;
    case 'statement':
      return undefined;
  }
}

export type { Finding };
