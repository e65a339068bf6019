import type { Finding } from '../finding.js';
import type { PgsafeConfig } from '../config.js';
import type { ExecutePolicyInput } from '../execute/policy.js';
import type { BlockingSession } from '../execute/types.js';
import type { IndexBuildEvent } from '../execute/index-build-checks.js';

/** The connection an adapter's migration statement runs on. `query` MUST use the same connection (and transaction)
 *  as the statement itself: the guard's SAVEPOINT and SET LOCAL have to land in that transaction. */
export interface GuardSession {
  /** Runs SQL with optional $1-style parameters on the migration's connection. */
  query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  /** The statement runs inside an open transaction (the ORM's migration transaction). */
  inTransaction: boolean;
}

export interface GuardOptions {
  /** The project's settings: rules, pgVersion, and `run` (lockTimeout, statementTimeout, longStatementTimeout,
   *  retries, retryBudget). */
  config?: PgsafeConfig;
  /** Extra advice per rule id, appended to a blocking error: how to fix it in this ORM (e.g. how to make one
   *  migration run outside the transaction). Under the key OUTSIDE_TRANSACTION: how a migration runs outside the
   *  ORM's transaction, added when a recipe's COMMIT/BEGIN was taken out (no COMMIT inside the ORM's transaction). */
  hints?: Partial<Record<string, string>>;
  /** Progress and warnings. Default: printed to stderr. */
  onEvent?: (event: GuardEvent) => void;
  /** Retry schedule and back-off (tests make them short). */
  policy?: Pick<ExecutePolicyInput, 'lockTimeoutRamp' | 'minLockTimeoutMs' | 'baseDelayMs' | 'maxDelayMs' | 'jitter' | 'schedule' | 'retryOn' | 'random' | 'preflight'>;
}

/** The hints key of the ORM's way to run a migration outside its transaction. */
export const OUTSIDE_TRANSACTION = '(outside the transaction)';

/** Rules whose safe form cannot run inside the ORM's transaction (CONCURRENTLY, DETACH ... CONCURRENTLY). */
const NEED_NO_TRANSACTION = [
  'ban-concurrent-index-creation-in-transaction',
  'require-concurrent-index-creation',
  'require-concurrent-index-deletion',
  'require-concurrent-reindex',
  'require-concurrent-partition-detach',
];

/** An adapter's hints: its own way out of the transaction (`outside`), given under OUTSIDE_TRANSACTION and for each
 *  rule whose safe form needs it. */
export function outsideTransactionHints(outside: string): Record<string, string> {
  return Object.fromEntries([OUTSIDE_TRANSACTION, ...NEED_NO_TRANSACTION].map((key) => [key, outside]));
}

export interface MigrationInfo {
  /** The ORM's name of the migration (file name or class name). */
  name: string;
  /** Where it is, for messages. */
  file?: string;
}

export type GuardEvent =
  /** A warning-level finding: the statement runs, the user should know. */
  | { type: 'finding'; migration: MigrationInfo; finding: Finding; text: string }
  /** A finding the deploy's context made moot, and why (the table is empty, or created earlier in this deploy). */
  | { type: 'passed'; migration: MigrationInfo; finding: Finding; reason: string }
  /** Sessions that would block the statement's lock: `wait`ing for them to finish, `abort`ing, or `clear` (gone). */
  | { type: 'preflight'; migration: MigrationInfo; action: 'wait' | 'abort' | 'clear'; blockers: BlockingSession[]; waitedMs: number }
  /** The statement hit a lock timeout or deadlock and will be tried again after `delayMs`; `blockers` held a
   *  conflicting lock on its tables when the attempt gave up. */
  | { type: 'retry'; migration: MigrationInfo; sql: string; attempt: number; code: string; message: string; lockTimeoutMs: number; delayMs: number; blockers: BlockingSession[] }
  /** A failed concurrent index build left this INVALID index; it was dropped before the next try. */
  | { type: 'invalid-index-dropped'; migration: MigrationInfo; index: string }
  /** Around a concurrent index build (execute/index-build-checks.ts): another session building the index, an index
   *  IF NOT EXISTS skips, an index INVALID after the build. */
  | ({ migration: MigrationInfo } & IndexBuildEvent)
  /** The statement completed. */
  | { type: 'statement'; migration: MigrationInfo; sql: string; ms: number; attempts: number; lockTimeoutMs: number; statementTimeoutMs: number };

/** Reads the SQL an ORM migration file would send, without a database (for `pgsafe check --orm <orm>`). */
export interface MigrationCollector {
  orm: string;
  /** The file looks like a migration of this ORM. */
  matches(file: string): boolean;
  /** The statements `up()` sends, in order, and whether the ORM runs them in a transaction by default. */
  collect(file: string): Promise<CollectedMigration>;
}

export interface CollectedMigration {
  name: string;
  statements: string[];
  transactional: boolean;
}
