/**
 * plan(): a parsed migration → ordered steps, each a transaction or one autocommit statement, with its timeouts,
 * retry budget and the table locks it takes.
 *
 * Grouping (the choice, and why):
 * - Statements PostgreSQL refuses inside a transaction block (CREATE/DROP INDEX CONCURRENTLY, REINDEX CONCURRENTLY,
 *   DETACH PARTITION CONCURRENTLY, VACUUM, ALTER TYPE ... ADD VALUE before PG 12, ALTER SYSTEM, CREATE/DROP DATABASE)
 *   each become their own autocommit step.
 * - An explicit BEGIN ... COMMIT block of the migration stays one step, as written.
 * - The other statements between two such steps form one transaction: a failure leaves none of them applied, and a
 *   lock-timeout retry replays them together. Two exceptions end such a group early: VALIDATE CONSTRAINT runs in a
 *   transaction of its own (so the strong lock of an ADD CONSTRAINT ... NOT VALID before it is released before the
 *   long validation scan), and ALTER TYPE ... ADD VALUE ends its group (the new value is usable only after COMMIT).
 * - The migration's SET/RESET of lock_timeout and statement_timeout are not run: they set the timeouts of the steps
 *   after them (SET LOCAL: until the end of its BEGIN ... COMMIT block). `SET lock_timeout = 0` is ignored: lock
 *   waits always stay bounded. Long steps that block no application traffic (CONCURRENTLY builds, VALIDATE
 *   CONSTRAINT, VACUUM) get the long timeouts (options longLockTimeout / longStatementTimeout) whatever the
 *   migration set: waiting or running long there stalls no reads or writes, and killing a half-done build wastes it.
 */
import type { ParsedMigration, ParsedStatement } from '../parse.js';
import { resolveOptions } from '../options.js';
import { as, tableRef } from '../ast.js';
import { blocksTraffic } from '../locks.js';
import { locksTaken, strongest } from '../statement-locks.js';
import { SchemaModel } from '../schema-model.js';
import { isDetachConcurrently, isEnumAddValue, isLongNonBlocking, isValidateConstraint, nonTransactionalKind, timeoutSetting, type StepKind, type TimeoutName } from './classify.js';
import { commandsSql, stepCommands } from './commands.js';
import { formatDuration, parseDuration } from './duration.js';
import { robustForm } from './robust.js';
import { PlanError, type IndexCleanup, type Plan, type PlanNote, type PlanOptions, type PlannedStatement, type ResolvedPlanOptions, type Step, type StepTarget } from './types.js';

export const PLAN_DEFAULTS = {
  lockTimeout: '2s',
  statementTimeout: '1min',
  longStatementTimeout: 0,
  longLockTimeout: 0,
  retries: 10,
  retryBudget: '60s',
} as const;

export function resolvePlanOptions(options: PlanOptions = {}): ResolvedPlanOptions {
  const retries = options.retries ?? PLAN_DEFAULTS.retries;
  if (!Number.isInteger(retries) || retries < 0) throw new RangeError(`retries must be a whole number >= 0, got ${options.retries}`);
  return {
    pgVersion: resolveOptions({ pgVersion: options.pgVersion }).pgVersion,
    lockTimeoutMs: parseDuration(options.lockTimeout ?? PLAN_DEFAULTS.lockTimeout),
    statementTimeoutMs: parseDuration(options.statementTimeout ?? PLAN_DEFAULTS.statementTimeout),
    longStatementTimeoutMs: parseDuration(options.longStatementTimeout ?? PLAN_DEFAULTS.longStatementTimeout),
    longLockTimeoutMs: parseDuration(options.longLockTimeout ?? PLAN_DEFAULTS.longLockTimeout),
    retries,
    retryBudgetMs: parseDuration(options.retryBudget ?? PLAN_DEFAULTS.retryBudget),
    robust: options.robust ?? true,
  };
}

/** Timeouts the migration itself set for a statement (undefined: not set, the plan's default applies). */
type Explicit = Partial<Record<TimeoutName, number>>;

interface Draft {
  kind: StepKind;
  transactional: boolean;
  stmts: { stmt: ParsedStatement; explicit: Explicit }[];
  beginStmt?: ParsedStatement;
  endStmt?: ParsedStatement;
}

const SETTING_NAME: Record<TimeoutName, string> = { lockTimeout: 'lock_timeout', statementTimeout: 'statement_timeout' };

const NON_TX_LABEL: Partial<Record<StepKind, string>> = {
  'create-index-concurrently': 'CREATE INDEX CONCURRENTLY',
  'drop-index-concurrently': 'DROP INDEX CONCURRENTLY',
  'reindex-concurrently': 'REINDEX CONCURRENTLY',
  'detach-partition-concurrently': 'DETACH PARTITION CONCURRENTLY',
  vacuum: 'VACUUM',
  batched: 'A DO block that COMMITs',
  'enum-add-value': 'ALTER TYPE ... ADD VALUE (before PostgreSQL 12)',
  'alter-system': 'ALTER SYSTEM',
  database: 'This statement',
  'non-transactional': 'This statement',
};

/** Turns a parsed migration into steps. Throws `PlanError` for what cannot run as written (see the module doc). */
export function plan(migration: ParsedMigration, options: PlanOptions = {}): Plan {
  return planResolved(migration, resolvePlanOptions(options));
}

/** `plan` with options resolved once by the caller (a guard plans each statement alone with the same options). */
export function planResolved(migration: ParsedMigration, opts: ResolvedPlanOptions): Plan {
  const schema = new SchemaModel(migration.statements);
  const notes: PlanNote[] = [];
  const steps: Step[] = [];
  const note = (stmt: ParsedStatement, message: string) => notes.push({ statement: stmt.index, line: stmt.start.line, message });
  const fail = (stmt: ParsedStatement, reason: string): never => {
    throw new PlanError(migration.file, stmt.start, reason);
  };

  const session: Explicit = {};
  let local: Partial<Record<TimeoutName, number | null>> = {};
  const current = (name: TimeoutName): number | undefined => (name in local ? (local[name] ?? undefined) : session[name]);
  let group: Draft | undefined;
  let block: Draft | undefined;
  const push = (draft: Draft) => steps.push(buildStep(draft, steps.length + 1, opts, schema));
  const flush = () => {
    if (group?.stmts.length) push(group);
    group = undefined;
  };

  for (const stmt of migration.statements) {
    const tx = as(stmt.node, 'TransactionStmt');
    if (tx) {
      switch (tx.kind) {
        case 'TRANS_STMT_BEGIN':
        case 'TRANS_STMT_START':
          if (block) {
            note(stmt, 'BEGIN inside a transaction block: ignored (PostgreSQL only warns).');
          } else {
            flush();
            block = { kind: 'transaction-block', transactional: true, stmts: [], beginStmt: stmt };
          }
          continue;
        case 'TRANS_STMT_COMMIT':
          if (tx.chain) fail(stmt, 'COMMIT AND CHAIN is not supported by pgsafe run: end the block with COMMIT.');
          if (!block) {
            note(stmt, 'COMMIT without BEGIN: ignored (PostgreSQL only warns).');
          } else {
            if (block.stmts.length) push({ ...block, endStmt: stmt });
            else note(stmt, 'Empty transaction block: nothing to run.');
            block = undefined;
            local = {};
          }
          continue;
        case 'TRANS_STMT_ROLLBACK':
          fail(stmt, 'ROLLBACK in a migration would discard what it just did: remove the block (or the ROLLBACK) before running it with pgsafe run.');
          break;
        case 'TRANS_STMT_PREPARE':
        case 'TRANS_STMT_COMMIT_PREPARED':
        case 'TRANS_STMT_ROLLBACK_PREPARED':
          fail(stmt, 'Two-phase commit statements are not supported by pgsafe run.');
          break;
        default:
          break; // SAVEPOINT, RELEASE, ROLLBACK TO run as ordinary statements of their transaction
      }
    }

    let setting;
    try {
      setting = timeoutSetting(stmt);
    } catch (error) {
      fail(stmt, (error as Error).message);
    }
    if (setting) {
      if (setting.all) note(stmt, 'RESET ALL is not run: only its effect on lock_timeout and statement_timeout is kept (back to the defaults).');
      const scoped = setting.local && block !== undefined;
      if (setting.local && !block) note(stmt, 'SET LOCAL outside BEGIN ... COMMIT: applied to the rest of the migration.');
      for (const name of setting.names) {
        let ms = setting.ms;
        if (name === 'lockTimeout' && ms === 0) {
          note(stmt, 'SET lock_timeout = 0 is ignored: pgsafe keeps every lock wait bounded (the default lock_timeout applies).');
          ms = undefined;
        } else if (!setting.all) {
          const what = ms === undefined ? 'back to the default' : formatDuration(ms);
          note(stmt, `Not run as written: sets the ${SETTING_NAME[name]} of the statements after it${scoped ? ' in this block' : ''} (${what}); long non-blocking steps keep theirs.`);
        }
        if (scoped) local[name] = ms ?? null;
        else {
          if (ms === undefined) delete session[name];
          else session[name] = ms;
          delete local[name];
        }
      }
      continue;
    }

    const explicit: Explicit = {};
    for (const name of ['lockTimeout', 'statementTimeout'] as const) {
      const v = current(name);
      if (v !== undefined) explicit[name] = v;
    }
    const entry = { stmt, explicit };
    const nonTx = nonTransactionalKind(stmt, opts.pgVersion);
    if (nonTx) {
      if (block) {
        fail(
          stmt,
          `${NON_TX_LABEL[nonTx]} cannot run inside a transaction block (BEGIN at line ${block.beginStmt!.start.line}; PostgreSQL fails with SQLSTATE 25001): move it after the COMMIT and pgsafe runs it on its own.`,
        );
      }
      flush();
      push({ kind: nonTx, transactional: false, stmts: [entry] });
      continue;
    }
    if (block) {
      block.stmts.push(entry);
      continue;
    }
    if (isValidateConstraint(stmt)) {
      flush();
      push({ kind: 'validate-constraint', transactional: true, stmts: [entry] });
      continue;
    }
    group ??= { kind: 'transaction', transactional: true, stmts: [] };
    group.stmts.push(entry);
    if (isEnumAddValue(stmt)) flush();
  }
  if (block) fail(block.beginStmt!, 'BEGIN is never committed (no COMMIT before the end of the file): add the COMMIT.');
  flush();
  return { file: migration.file, options: opts, steps, notes };
}

function buildStep(draft: Draft, id: number, opts: ResolvedPlanOptions, schema: SchemaModel): Step {
  const targets = stepTargets(draft, schema);
  const long = draft.stmts.some((s) => isLongNonBlocking(s.stmt)) && !targets.some((t) => t.blocksTraffic && !t.newTable);
  const defaults = { lockTimeout: long ? opts.longLockTimeoutMs : opts.lockTimeoutMs, statementTimeout: long ? opts.longStatementTimeoutMs : opts.statementTimeoutMs };
  // A long step that blocks no traffic keeps its long timeouts even when the migration set its own: those were
  // written to bound the blocking statements, and killing a half-done concurrent build only wastes it.
  const effective = (e: Explicit, name: TimeoutName) => (long ? defaults[name] : (e[name] ?? defaults[name]));
  const first = draft.stmts[0]!;
  const lockTimeoutMs = effective(first.explicit, 'lockTimeout');
  const statementTimeoutMs = effective(first.explicit, 'statementTimeout');

  const statements: PlannedStatement[] = draft.stmts.map(({ stmt, explicit }) => {
    const form = opts.robust ? robustForm(stmt) : { sql: stmt.text };
    const lock = effective(explicit, 'lockTimeout');
    const timeout = effective(explicit, 'statementTimeout');
    return {
      index: stmt.index,
      start: stmt.start,
      text: stmt.text,
      sql: form.sql,
      ...(form.added ? { added: form.added } : {}),
      ...(lock !== lockTimeoutMs ? { lockTimeoutMs: lock } : {}),
      ...(timeout !== statementTimeoutMs ? { statementTimeoutMs: timeout } : {}),
    };
  });
  const indexCleanup = cleanupFor(draft, statements[0]!);
  const last = draft.stmts.at(-1)!.stmt;
  const begin = draft.beginStmt?.text;
  const step: Step = {
    id,
    kind: draft.kind,
    description: describe(draft),
    transactional: draft.transactional,
    statements,
    ...(begin ? { begin } : {}),
    sql: '',
    lockTimeoutMs,
    statementTimeoutMs,
    retry: { retries: opts.retries, budgetMs: opts.retryBudgetMs },
    long,
    targets,
    preflight: targets.some((t) => t.blocksTraffic && !t.newTable),
    ...(indexCleanup ? { indexCleanup } : {}),
    lines: [(draft.beginStmt ?? first.stmt).start.line, (draft.endStmt ?? last).end.line],
  };
  step.sql = commandsSql(stepCommands(step));
  return step;
}

function stepTargets(draft: Draft, schema: SchemaModel): StepTarget[] {
  const byTable = new Map<string, StepTarget>();
  for (const { stmt } of draft.stmts) {
    // DETACH PARTITION ... CONCURRENTLY takes SHARE UPDATE EXCLUSIVE (PG 14+), not ALTER TABLE's usual lock.
    const detach = isDetachConcurrently(stmt);
    for (const lock of locksTaken(stmt)) {
      const mode = detach ? 'SHARE UPDATE EXCLUSIVE' : lock.mode;
      const newTable = schema.isNewTable(lock.table, stmt.index);
      const prev = byTable.get(lock.table.key);
      const merged = prev ? strongest(prev.mode, mode) : mode;
      byTable.set(lock.table.key, { table: lock.table, mode: merged, blocksTraffic: blocksTraffic(merged), newTable: (prev?.newTable ?? true) && newTable });
    }
  }
  return [...byTable.values()];
}

function cleanupFor(draft: Draft, sent: PlannedStatement): IndexCleanup | undefined {
  if (draft.stmts.length !== 1) return undefined;
  const node = draft.stmts[0]!.stmt.node;
  const index = as(node, 'IndexStmt');
  if (index?.concurrent) {
    const table = tableRef(index.relation);
    if (!table) return undefined;
    // The only flag the planner adds to a CREATE INDEX is IF NOT EXISTS.
    const ifNotExists = Boolean(index.if_not_exists) || sent.added !== undefined;
    return { table, ...(index.idxname ? { index: { ...(table.schema ? { schema: table.schema } : {}), name: index.idxname } } : {}), reindex: false, ifNotExists };
  }
  const reindex = as(node, 'ReindexStmt');
  if (reindex && draft.kind === 'reindex-concurrently' && reindex.relation?.relname) {
    const rel = tableRef(reindex.relation)!;
    if (reindex.kind === 'REINDEX_OBJECT_INDEX') return { index: { ...(rel.schema ? { schema: rel.schema } : {}), name: rel.name }, reindex: true };
    if (reindex.kind === 'REINDEX_OBJECT_TABLE') return { table: rel, reindex: true };
  }
  return undefined;
}

/** First statement on one line, cut to a readable length. */
export function statementSummary(text: string, max = 80): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function describe(draft: Draft): string {
  const first = statementSummary(draft.stmts[0]!.stmt.text);
  const more = draft.stmts.length - 1;
  return more > 0 ? `${first} (+${more} more statement${more > 1 ? 's' : ''})` : first;
}

/** The transaction each statement runs in under this plan (the step id), or undefined for autocommit steps. */
export function planTransactions(planned: Plan, statementCount: number): (number | undefined)[] {
  const out: (number | undefined)[] = new Array(statementCount).fill(undefined);
  for (const step of planned.steps) {
    if (!step.transactional) continue;
    for (const s of step.statements) out[s.index] = step.id;
  }
  return out;
}
