/** What a live database says about a migration's statements (`pgsafe check --database-url`). */

export type LiveFactKind = 'table' | 'required-column' | 'foreign-key-index' | 'foreign-key-violations' | 'null-count' | 'check-violations' | 'duplicates' | 'collation' | 'sessions' | 'unavailable';

/** One fact read from the live database about one statement, attached to its findings. */
export interface LiveFact {
  kind: LiveFactKind;
  /** One line for people, with the user's own names and numbers. */
  text: string;
  /** The number is an estimate (planner statistics, or a sample of the table), not an exact count. */
  estimate: boolean;
  /** The statement will fail on this data (rows violate the constraint it adds). */
  fails?: boolean;
  /** Short form for the message of the finding it causes, when it fails. */
  headline?: string;
  /** Machine-readable details (counts, names, sample rows). */
  data: Record<string, unknown>;
}

/** An index that exists in the live database. */
export interface LiveIndex {
  name: string;
  /** Key columns in order; null entries are expressions. */
  columns: (string | null)[];
  unique: boolean;
  valid: boolean;
}

/** A table the migration touches, as it is in the live database. */
export interface LiveTable {
  /** As PostgreSQL prints it (regclass). */
  name: string;
  oid: string;
  /** -1 when unknown: never analyzed, and too big to count within the time limit. */
  rows: number;
  /** false: rows is an exact count(*); true: the planner's estimate (pg_class.reltuples). */
  rowsEstimate: boolean;
  /** Heap size, and with indexes and TOAST, in bytes and pretty. */
  tableBytes: number;
  totalBytes: number;
  totalPretty: string;
  indexes: LiveIndex[];
}

export interface LiveStatementFacts {
  statement: number;
  facts: LiveFact[];
}

/** The live facts of one migration file. */
export interface LiveMigrationFacts {
  file: string;
  tables: LiveTable[];
  statements: LiveStatementFacts[];
}

/** How hard the live checks may look. */
export interface LiveCheckOptions {
  /** Tables with at most this many rows (estimated) are counted exactly; larger ones are sampled. Default 1,000,000. */
  exactCountLimit?: number;
  /** statement_timeout of one counting query (ms); a count that times out falls back to a sample. Default 10000. */
  countTimeoutMs?: number;
  /** Rows to read in a sample of a large table (TABLESAMPLE SYSTEM). Default 100,000. */
  sampleRows?: number;
  /** Transactions older than this holding a lock on a touched table are reported (ms). Default 60000. Sessions idle
   *  in a transaction are reported whatever their age. */
  longTransactionMs?: number;
  /** Violating rows and duplicate keys shown as examples. Default 3. */
  examples?: number;
}
