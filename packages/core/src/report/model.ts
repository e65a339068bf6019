/**
 * The report model: everything the HTML report shows, gathered by a command (check, trace, rehearse, run, report)
 * and handed to `renderHtmlReport`. Plain data, JSON-serialisable; nothing in it is trusted to be safe HTML.
 */
import type { Finding } from '../finding.js';
import type { LockMode } from '../locks.js';
import type { Plan } from '../plan/types.js';
import type { BlockingSession, ExecuteError } from '../execute/types.js';
import type { Rewrite } from '../trace/types.js';

export type ReportCommand = 'report' | 'check' | 'trace' | 'rehearse' | 'run';

export interface ReportModel {
  command: ReportCommand;
  /** ISO 8601 time the report was made. */
  generatedAt: string;
  pgsafeVersion?: string;
  /** Where the databases the report read are, one line each (redacted connection targets, server versions). */
  where: string[];
  files: FileReport[];
  /** Files that could not be read or parsed. */
  errors: ReportError[];
}

export interface ReportError {
  file: string;
  line?: number;
  column?: number;
  message: string;
}

export interface FileReport {
  file: string;
  statements: number;
  findings: Finding[];
  /** The plan the executor runs (or would run); absent when the migration cannot be planned (`planError`). */
  plan?: Plan;
  planError?: ReportError;
  /** Sizes of the existing tables it touches, when a database was read. */
  tables: TableSize[];
  /** From a trace, a rehearsal or a real run. */
  timeline?: Timeline;
  /** What a run did, or why it did not run. */
  outcome?: RunOutcome;
  /** The run's events, one line each, in order (ms since the run started). */
  log?: { at: number; text: string }[];
  /** Facts the trace or rehearsal adds (e.g. where the trace ran, tables missing from the source). */
  notes?: string[];
}

export interface TableSize {
  name: string;
  /** -1 when unknown. */
  rows: number;
  rowsEstimate: boolean;
  /** Heap, indexes and TOAST, e.g. `42 MB`. */
  size: string;
  indexes?: number;
  /** Where the numbers come from, e.g. `live database`, `rehearsal source`. */
  source: string;
}

export interface RunOutcome {
  status: 'completed' | 'failed' | 'interrupted' | 'refused' | 'not-run';
  /** One line for people. */
  message: string;
  ms?: number;
  /** Step ids committed, and those not (failed, rolled back, never started). */
  applied: number[];
  notApplied: number[];
  error?: ExecuteError;
}

/** What the application feels while a lock is held or waited for. */
export type Blocks = 'reads and writes' | 'writes' | 'nothing';

/** A timeline of the migration's steps in time. Times are milliseconds from the start of the timeline. */
export interface Timeline {
  /** `trace`: the statements' own times in one rolled-back transaction; `run`: wall-clock time of a real execution
   *  (a `pgsafe run`, or the rehearsal's run in a scratch database). */
  source: 'trace' | 'run';
  /** How the times were measured, one line for the reader. */
  clock: string;
  ms: number;
  steps: TimelineStep[];
}

export type TimelineStatus = 'committed' | 'failed' | 'interrupted' | 'not-run' | 'traced' | 'error' | 'skipped';

export interface TimelineStep {
  /** The plan's step id, or the statement number when the migration has no plan. */
  id: number;
  description: string;
  /** e.g. `transaction`, `CREATE INDEX CONCURRENTLY, autocommit`. */
  kind: string;
  transactional: boolean;
  lines: [number, number];
  status: TimelineStatus;
  start: number;
  end: number;
  spans: Span[];
  locks: LockLane[];
  rewrites: Rewrite[];
  blockers: SeenBlocker[];
  progress: ProgressSample[];
  notes: string[];
  /** Why it failed, one line. */
  error?: string;
}

/** A stretch of a step's time: a pre-flight wait, an attempt, a back-off sleep, or (trace) one statement. */
export interface Span {
  kind: 'preflight' | 'attempt' | 'backoff' | 'statement';
  start: number;
  end: number;
  label: string;
  outcome: 'ok' | 'failed' | 'unfinished';
}

/** The locks one relation saw during a step. */
export interface LockLane {
  relation: string;
  /** table, index, sequence, ... */
  relationKind: string;
  /** Created by this migration: nobody else uses it, so its locks stall no traffic. */
  newRelation: boolean;
  /** From pg_locks (trace); false: from PostgreSQL's documentation of the statement. */
  observed: boolean;
  bars: LockBar[];
}

export interface LockBar {
  mode: LockMode;
  start: number;
  end: number;
  /** `held`: granted; `queued`: waited for (a lock request in the queue stalls the same traffic as the lock). */
  state: 'held' | 'queued';
  blocks: Blocks;
  /** One line describing the bar in full (tooltip and accessible name). */
  label: string;
}

/** A session seen blocking a step. */
export interface SeenBlocker {
  session: BlockingSession;
  firstSeen: number;
  lastSeen: number;
  /** Where it was seen: before an attempt, while an attempt waited, after an attempt timed out. */
  during: ('pre-flight' | 'lock wait' | 'lock timeout')[];
}

export interface ProgressSample {
  at: number;
  phase: string;
  /** 0..1 within the phase, null when the phase has no known total. */
  fraction: number | null;
  index: string | null;
  /** One line, e.g. `accounts_email_idx: building index: scanning table 45% (1200/2660 blocks)`. */
  detail: string;
}
