import type { Position } from './source-map.js';
import type { LockImpact } from './locks.js';
import type { LiveFact } from './live/types.js';

export type Severity = 'error' | 'warning';

/** The safe way to do what the statement meant, written for the user's own tables and columns. */
export interface Recipe {
  /** One line: what to do instead. */
  summary: string;
  /** Concrete SQL, ready to adapt; several steps are separated by comments naming where they run. */
  sql: string;
  /** PostgreSQL versions the recipe (or the danger) depends on, e.g. "PG 12+: ...". */
  versions?: string;
}

/** One problem found in one statement. */
export interface Finding {
  /** Rule id, the rule's file name (e.g. `adding-required-field`). */
  rule: string;
  severity: Severity;
  /** One line: what is wrong. */
  message: string;
  file: string;
  /** Where the offending part starts (the statement, or the clause within it). */
  start: Position;
  /** The whole statement's span; index -1 when the finding is about a comment (a pgsafe-ignore), not a statement. */
  statement: { index: number; text: string; start: Position; end: Position };
  /** The lock it takes and what that blocks; absent when the danger is not a lock. */
  lock?: LockImpact;
  /** Why this is dangerous on a large, busy table. */
  why: string;
  recipe: Recipe;
  /** What the live database says about this statement (`check --database-url`): table sizes, counts, sessions. */
  live?: LiveFact[];
}

/** What a rule reports; the engine adds the rule id, severity, file and positions. */
export interface Report {
  message: string;
  why: string;
  recipe: Recipe;
  lock?: LockImpact;
  /** Byte offset (an AST node's `location`) of the clause to point at; defaults to the statement start. */
  location?: number;
  /** Overrides the rule's default severity for this report (e.g. a version-dependent downgrade). */
  severity?: Severity;
}
