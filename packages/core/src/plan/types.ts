import type { TableRef } from '../ast.js';
import type { LockMode } from '../locks.js';
import type { Position } from '../source-map.js';
import type { Duration } from './duration.js';
import type { StepKind } from './classify.js';

/** How to turn a migration into steps. Durations are milliseconds or PostgreSQL's text form (`'2s'`, `'1min'`). */
export interface PlanOptions {
  /** Target PostgreSQL major version (ALTER TYPE ... ADD VALUE runs outside a transaction before 12). Default: newest. */
  pgVersion?: number;
  /** lock_timeout of every step unless the migration sets its own. Default `2s`. */
  lockTimeout?: Duration;
  /** statement_timeout of every step unless the migration sets its own. Default `1min`. */
  statementTimeout?: Duration;
  /** statement_timeout of long steps that block no application traffic (CONCURRENTLY builds, VALIDATE
   *  CONSTRAINT, VACUUM). Default 0: none. */
  longStatementTimeout?: Duration;
  /** lock_timeout of those long non-blocking steps: waiting for their lock (SHARE UPDATE EXCLUSIVE) stalls no reads
   *  or writes, and a concurrent index build waits for older transactions as lock waits. Default 0: none. */
  longLockTimeout?: Duration;
  /** How many times a step is tried again after a lock timeout (or deadlock). Default 10. */
  retries?: number;
  /** Wall-clock budget of one step for all its attempts, back-off sleeps and pre-flight waits. Default `60s`. */
  retryBudget?: Duration;
  /** Add IF NOT EXISTS / IF EXISTS where PostgreSQL has them, so a partly applied migration can be run again.
   *  Default true. */
  robust?: boolean;
}

export interface ResolvedPlanOptions {
  pgVersion: number;
  lockTimeoutMs: number;
  statementTimeoutMs: number;
  longStatementTimeoutMs: number;
  longLockTimeoutMs: number;
  retries: number;
  retryBudgetMs: number;
  robust: boolean;
}

/** One statement of the migration as a step runs it. */
export interface PlannedStatement {
  /** 0-based index among the migration's statements. */
  index: number;
  /** Where it starts in the file. */
  start: Position;
  /** As written in the migration. */
  text: string;
  /** As the executor sends it (the re-runnable form when `added` is set). */
  sql: string;
  /** What the planner added to make it re-runnable, e.g. `IF NOT EXISTS`. */
  added?: string;
  /** Set when the migration changed a timeout in the middle of the step: the executor applies it before this
   *  statement (SET LOCAL in a transaction). Milliseconds, 0 = none. */
  lockTimeoutMs?: number;
  statementTimeoutMs?: number;
}

/** A table lock a step takes (strongest per table, from `locksTaken`). */
export interface StepTarget {
  table: TableRef;
  mode: LockMode;
  /** The mode stops application reads or writes while it is waited for or held. */
  blocksTraffic: boolean;
  /** The table is created earlier in this migration: nobody else uses it, so no pre-flight check. */
  newTable: boolean;
}

/** Where a concurrent index build may leave an INVALID index behind if it fails or is interrupted. */
export interface IndexCleanup {
  /** The table the index is on (CREATE INDEX, REINDEX TABLE); absent for REINDEX INDEX (found from the index). */
  table?: TableRef;
  /** The index being built (CREATE INDEX name) or rebuilt (REINDEX INDEX). */
  index?: { schema?: string; name: string };
  /** REINDEX CONCURRENTLY: its leftovers are `<name>_ccnew` / `_ccold` indexes. */
  reindex: boolean;
  /** The CREATE INDEX is sent with IF NOT EXISTS (written, or added by the planner): PostgreSQL then skips the build
   *  over any index of that name, so the executor must check the existing one is the index asked for. */
  ifNotExists?: boolean;
}

/** One unit of execution: a transaction (committed or rolled back as a whole), or one autocommit statement. */
export interface Step {
  /** 1-based, in execution order. */
  id: number;
  kind: StepKind;
  /** One line: what the step does. */
  description: string;
  /** Runs inside BEGIN ... COMMIT; false: one statement in autocommit. */
  transactional: boolean;
  statements: PlannedStatement[];
  /** An explicit block's own BEGIN (with its isolation level, if any); transactions the planner makes use BEGIN. */
  begin?: string;
  /** The whole step as the executor sends it for the first attempt, runnable with psql. */
  sql: string;
  /** lock_timeout in milliseconds, 0 = none. Lock-timeout retries may start lower and escalate up to it. */
  lockTimeoutMs: number;
  /** statement_timeout in milliseconds, 0 = none. */
  statementTimeoutMs: number;
  /** Retried after a lock timeout or deadlock: up to `retries` more attempts within `budgetMs` of wall time. */
  retry: { retries: number; budgetMs: number };
  /** A long step that blocks no application traffic: it got the long timeouts. */
  long: boolean;
  /** Table locks the step takes. */
  targets: StepTarget[];
  /** The step takes a traffic-blocking lock on an existing table: the executor checks for blocking sessions first. */
  preflight: boolean;
  /** Present for concurrent index builds: INVALID leftovers are dropped before a retry. */
  indexCleanup?: IndexCleanup;
  /** 1-based first and last line of the step in the file (BEGIN and COMMIT included). */
  lines: [number, number];
}

/** Something the planner decided that the reader of the plan should know (a setting it consumed or ignored). */
export interface PlanNote {
  statement: number;
  line: number;
  message: string;
}

export interface Plan {
  file: string;
  options: ResolvedPlanOptions;
  steps: Step[];
  notes: PlanNote[];
}

/** A migration the planner cannot turn into safe steps (e.g. CONCURRENTLY inside BEGIN, a BEGIN never committed). */
export class PlanError extends Error {
  constructor(
    readonly file: string,
    readonly position: Position,
    readonly reason: string,
  ) {
    super(`${file}:${position.line}:${position.column}: ${reason}`);
    this.name = 'PlanError';
  }
}
