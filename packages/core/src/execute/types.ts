import type { LockMode } from '../locks.js';
import type { StepKind } from '../plan/classify.js';

/** Another session, as pg_stat_activity shows it, that holds or is ahead in the queue for a lock we need. */
export interface BlockingSession {
  pid: number;
  /** `active`, `idle in transaction`, `idle in transaction (aborted)`, ... */
  state: string | null;
  user: string | null;
  applicationName: string | null;
  /** The session's current or last query, on one line, cut to 160 characters. */
  query: string;
  /** Age of its transaction (ms), null when it has none. */
  xactAgeMs: number | null;
  /** Time since its state last changed (ms): how long it has been idle in transaction, or running the query. */
  stateAgeMs: number | null;
  /** `Lock` when it waits for a lock itself. */
  waitEventType: string | null;
  backendType: string | null;
  /** The lock on one of the step's tables that makes it a blocker (pre-flight). */
  lock?: { table: string; mode: LockMode; granted: boolean };
}

/** A row of pg_stat_progress_create_index for the build the step runs. */
export interface IndexBuildProgress {
  command: string;
  phase: string;
  index: string | null;
  table: string | null;
  blocksDone: number;
  blocksTotal: number;
  tuplesDone: number;
  tuplesTotal: number;
  lockersDone: number;
  lockersTotal: number;
  /** 0..1 within the current phase when it has a known total, else null. */
  fraction: number | null;
}

/** Why a run stopped. */
export type ExecuteErrorKind =
  /** A statement failed (syntax, constraint violation, statement_timeout, ...). */
  | 'sql'
  /** Lock timeouts (or deadlocks) until retries or the budget ran out. */
  | 'lock-timeout'
  /** Pre-flight found blocking sessions and the policy says abort, or they outlived the budget. */
  | 'preflight'
  /** The connection broke: the step may not have been applied (never reported as completed). */
  | 'connection'
  /** The caller aborted (AbortSignal, Ctrl-C). */
  | 'interrupted'
  /** An INVALID index left by a failed build could not be dropped. */
  | 'cleanup'
  /** Another run held the database's run lock longer than the lock wait allowed. */
  | 'locked'
  /** The migration changed since a run that committed some of its steps (the journal's checksum differs). */
  | 'changed'
  /** An index of the name a CREATE INDEX asks for exists with another definition (IF NOT EXISTS would skip it),
   *  or a build ended with the index INVALID. */
  | 'index';

export interface ExecuteError {
  kind: ExecuteErrorKind;
  message: string;
  /** SQLSTATE, e.g. `55P03`. */
  code?: string;
  step: number;
  /** The statement that failed, with its place in the file (the column of PostgreSQL's error position when known). */
  statement?: { index: number; line: number; column: number };
  detail?: string;
  hint?: string;
  blockers?: BlockingSession[];
}

export interface AttemptResult {
  attempt: number;
  lockTimeoutMs: number;
  /** Start, in ms since the run started. */
  startedMs: number;
  ms: number;
  outcome: 'committed' | 'failed';
  code?: string;
  message?: string;
  /** Sessions seen blocking this attempt (monitor connection), or holding conflicting locks right after it failed. */
  blockers: BlockingSession[];
  /** The back-off sleep after this attempt, when it was retried. */
  delayMs?: number;
}

export interface StepResult {
  id: number;
  /** `already-applied`: committed by an earlier run, as the journal records (a resumed run skips it). */
  status: 'committed' | 'failed' | 'not-run' | 'already-applied';
  attempts: AttemptResult[];
  /** Wall time of the step, pre-flight waits and back-off included. */
  ms: number;
  /** Time spent waiting for blocking sessions to finish before trying. */
  preflightWaitMs: number;
}

export interface ExecuteResult {
  /** `completed` only when every step committed. */
  status: 'completed' | 'failed';
  ms: number;
  steps: StepResult[];
  error?: ExecuteError;
  /** Statements whose IF [NOT] EXISTS (written or added) made PostgreSQL skip them: nothing was done for them. */
  skipped: SkippedStatement[];
  /** The journal entry of this run, when it has one. */
  journal?: { name: string; status: 'completed' | 'failed'; stepsCommitted: number; stepsTotal: number; resumedAfter?: number };
}

/** A statement PostgreSQL skipped because of IF [NOT] EXISTS (its NOTICE). */
export interface SkippedStatement {
  step: number;
  /** 0-based index among the migration's statements. */
  statement: number;
  line: number;
  message: string;
}

interface EventBase {
  /** ms since the run started. */
  at: number;
}

/** What the executor reports while it runs, in order. Every event is JSON-serialisable. */
export type ExecuteEvent = EventBase &
  (
    | { type: 'start'; steps: number; target?: string; serverVersion?: string }
    | { type: 'warning'; step?: number; message: string }
    | { type: 'step-start'; step: number; kind: StepKind; description: string }
    /** Blocking sessions found before an attempt; `wait`: polling until they finish, `abort`: giving up, `clear`:
     *  they are gone (after `waitedMs`). */
    | { type: 'preflight'; step: number; action: 'wait' | 'abort' | 'clear'; blockers: BlockingSession[]; waitedMs: number }
    | { type: 'attempt'; step: number; attempt: number; lockTimeoutMs: number; statementTimeoutMs: number }
    /** The running statement waits in a lock queue behind these sessions (seen by the monitor connection). */
    | { type: 'blocked'; step: number; attempt: number; statement: number; waitedMs: number; blockers: BlockingSession[] }
    /** The attempt failed with a retryable error (lock timeout, deadlock) and was rolled back; next try in `delayMs`. */
    | { type: 'retry'; step: number; attempt: number; code: string; message: string; waitedMs: number; blockers: BlockingSession[]; delayMs: number }
    | { type: 'invalid-index-dropped'; step: number; index: string }
    /** Another run holds the database's run lock: waiting for it (`orphaned`: its pgsafe is gone, it is cancelled). */
    | { type: 'lock-wait'; holder: BlockingSession; orphaned: boolean; waitedMs: number }
    | { type: 'lock-acquired'; waitedMs: number }
    /** The journal shows an earlier run of this migration that committed `committed` of `total` steps. */
    | { type: 'resume'; name: string; committed: number; total: number; previous: { status: 'running' | 'failed' | 'completed'; error: string | null; at: string }; changedAfter?: boolean }
    /** Another session builds the step's index: an orphaned build of a killed pgsafe run (cancelled), or anybody
     *  else's (waited for). */
    | { type: 'orphaned-build'; step: number; index: string; pid: number; applicationName: string; action: 'cancel' | 'wait' }
    | ({ type: 'skipped' } & SkippedStatement)
    | { type: 'progress'; step: number; progress: IndexBuildProgress }
    | { type: 'notice'; step: number; message: string }
    | { type: 'step-done'; step: number; attempts: number; ms: number }
    | { type: 'step-failed'; step: number; attempts: number; error: ExecuteError }
    | { type: 'done'; status: 'completed' | 'failed'; ms: number }
  );

export type ExecuteEventType = ExecuteEvent['type'];
