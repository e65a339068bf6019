import type { ParsedStatement } from './parse.js';
import type { ResolvedOptions } from './options.js';
import { as, strings } from './ast.js';

/** How a statement will run: in which transaction, and under which timeouts. */
export interface StatementState {
  /** The statement runs inside a transaction block (explicit BEGIN, or a runner that wraps the file). */
  inTransaction: boolean;
  /** Statements with the same id commit together; undefined when the statement autocommits on its own. */
  transaction?: number;
  /** lock_timeout in force for this statement (as written), undefined when none (or 0). */
  lockTimeout?: string;
  statementTimeout?: string;
}

type Setting = 'lockTimeout' | 'statementTimeout';
const SETTINGS: Record<string, Setting> = { lock_timeout: 'lockTimeout', statement_timeout: 'statementTimeout' };

/** Walks the statements in order, tracking BEGIN/COMMIT and SET/RESET of the timeouts. In an implicit transaction
 *  (options.implicitTransaction) a BEGIN makes the open transaction explicit and a COMMIT ends it; the next statement
 *  opens the next implicit one. */
export function trackStates(statements: ParsedStatement[], options: ResolvedOptions): StatementState[] {
  const tracker = new StateTracker(options);
  return statements.map((stmt) => tracker.next(stmt));
}

/** The walk of `trackStates`, one statement at a time (a guard judging a migration as it is sent). */
export class StateTracker {
  readonly #options: ResolvedOptions;
  readonly #session: Partial<Record<Setting, string>>;
  #local: Partial<Record<Setting, string | null>> = {};
  #nextId = 0;
  #transaction: number | undefined;
  readonly #implicit: boolean;
  // A plain SET inside a transaction block is undone by its ROLLBACK: the session values when the block began.
  #atBegin: Partial<Record<Setting, string>>;

  constructor(options: ResolvedOptions) {
    this.#options = options;
    const runnerValue = options.runnerSetsTimeouts ? 'set by the runner' : undefined;
    this.#session = { lockTimeout: runnerValue, statementTimeout: runnerValue };
    this.#transaction = options.assumeInTransaction ? this.#nextId++ : undefined;
    this.#implicit = options.implicitTransaction && !options.assumeInTransaction;
    this.#atBegin = { ...this.#session };
  }

  next(stmt: ParsedStatement): StatementState {
    const session = this.#session;
    const tx = as(stmt.node, 'TransactionStmt');
    if (this.#implicit && this.#transaction === undefined && !isEnd(tx?.kind)) {
      this.#transaction = this.#nextId++;
      this.#atBegin = { ...session };
    }
    if ((tx?.kind === 'TRANS_STMT_BEGIN' || tx?.kind === 'TRANS_STMT_START') && this.#transaction === undefined) {
      this.#transaction = this.#nextId++;
      this.#atBegin = { ...session };
    }
    const local = this.#local;
    const current = (s: Setting) => (s in local ? (local[s] ?? undefined) : session[s]);
    // A runner that regroups the statements (pgsafe run's plan) says which transaction each one really runs in.
    const actual = this.#options.transactions ? this.#options.transactions[stmt.index] : this.#transaction;
    const state: StatementState = {
      inTransaction: actual !== undefined,
      transaction: actual,
      lockTimeout: current('lockTimeout'),
      statementTimeout: current('statementTimeout'),
    };
    if (tx && isEnd(tx.kind)) {
      if (tx.kind === 'TRANS_STMT_ROLLBACK' && this.#transaction !== undefined) Object.assign(session, this.#atBegin);
      this.#transaction = undefined;
      this.#local = {}; // SET LOCAL ends with its transaction
    }
    const set = as(stmt.node, 'VariableSetStmt');
    if (set) {
      const targets = set.kind === 'VAR_RESET_ALL' ? (Object.values(SETTINGS) as Setting[]) : [SETTINGS[set.name ?? '']].filter((s): s is Setting => !!s);
      const value = set.kind === 'VAR_SET_VALUE' ? settingValue(set.args) : undefined;
      for (const target of targets) {
        // SET LOCAL outside a transaction block has no effect (PostgreSQL only warns).
        if (set.is_local) {
          if (this.#transaction !== undefined) this.#local[target] = value ?? null;
        } else {
          session[target] = value;
          delete this.#local[target];
        }
      }
    }
    return state;
  }
}

function isEnd(kind: string | undefined): boolean {
  return kind === 'TRANS_STMT_COMMIT' || kind === 'TRANS_STMT_ROLLBACK' || kind === 'TRANS_STMT_COMMIT_PREPARED' || kind === 'TRANS_STMT_PREPARE';
}

/** The value of `SET x = v`, undefined when it disables the timeout (0). */
function settingValue(args: Parameters<typeof strings>[0]): string | undefined {
  const arg = args?.[0];
  const c = as(arg, 'A_Const');
  const raw = c ? (c.sval?.sval ?? c.fval?.fval ?? (c.ival ? String(c.ival.ival ?? 0) : undefined)) : strings(args)[0];
  if (raw === undefined) return undefined;
  return /^\s*0+\s*(ms|s|min|h|d)?\s*$/i.test(raw) ? undefined : raw;
}
