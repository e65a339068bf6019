/** What `pgsafe trace` observed for each statement of a migration run in a transaction that is rolled back. */
import type { LockMode } from '../locks.js';

/** A relation-level lock the statement's own backend acquired (pg_locks, granted). */
export interface ObservedLock {
  /** As PostgreSQL prints it (regclass), or `oid <n>` for a relation dropped by the statement. */
  relation: string;
  /** table, index, sequence, view, materialized view, partitioned table, ... */
  kind: string;
  /** For an index: its table. */
  table?: string;
  /** pg_locks.mode, e.g. `AccessExclusiveLock`. */
  pgMode: string;
  mode: LockMode;
}

/** A relation whose relfilenode changed: PostgreSQL wrote a new copy of it (a table or index rewrite). */
export interface Rewrite {
  relation: string;
  kind: string;
}

export interface DocumentedLock {
  table: string;
  mode: LockMode;
}

export interface TracedStatement {
  index: number;
  line: number;
  /** As written in the migration. */
  text: string;
  status: 'ok' | 'error' | 'skipped' | 'not-run';
  /** The form actually traced, when it differs (CONCURRENTLY cannot run in a transaction block). */
  tracedAs?: string;
  notes: string[];
  /** The table locks PostgreSQL's documentation gives for the statement as written. */
  documented: DocumentedLock[];
  /** Locks this statement acquired (not held before it). */
  locks: ObservedLock[];
  /** Locks it needs that an earlier statement of the transaction already held (invisible as new acquisitions). */
  alreadyHeld: ObservedLock[];
  /** Locks on TOAST tables and on the transient relations of a rewrite, left out of `locks`. */
  internalLocks: number;
  rewrites: Rewrite[];
  /** Relations it created. */
  created: string[];
  ms: number;
  error?: { code?: string; message: string };
}

export interface TraceResult {
  server: string;
  statements: TracedStatement[];
  /** Always true: nothing the trace ran was committed. */
  rolledBack: true;
  /** Sequences whose value moved during the trace: nextval is not transactional, so the rollback kept it. Not set
   *  back by pgsafe (another session may have drawn values meanwhile): `restore` does it when nobody did. */
  sequencesMoved: { sequence: string; before: string | null; after: string; restore: string }[];
  ms: number;
}

export interface TraceOptions {
  /** lock_timeout while tracing (ms): the trace never queues for long behind other sessions. Default 5000. */
  lockTimeoutMs?: number;
  /** statement_timeout of each statement (ms). Default 0: none. */
  statementTimeoutMs?: number;
}
