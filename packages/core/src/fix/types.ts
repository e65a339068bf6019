import type { Finding } from '../finding.js';
import type { ParsedMigration, ParsedStatement } from '../parse.js';
import type { SchemaModel } from '../schema-model.js';
import type { TableRef } from '../ast.js';
import type { AnalyzeOptions } from '../options.js';

/** How to write the safe form. */
export interface FixOptions {
  /** Target PostgreSQL major version. Default: the newest supported. */
  pgVersion?: number;
  /** Per rule id: another severity, or 'off' (the config's `rules`): a rule turned off is not fixed. */
  severities?: AnalyzeOptions['severities'];
  /** The runner sets lock_timeout and statement_timeout itself (pgsafe prisma, the adapters): none prepended. */
  runnerSetsTimeouts?: boolean;
  /** lock_timeout prepended when the migration sets none. Default `2s`. */
  lockTimeout?: string;
  /** statement_timeout prepended when the migration sets none. Default `1min`. */
  statementTimeout?: string;
  /** Rows per batch of a backfill. Default 1000. */
  batchSize?: number;
  /** Seconds slept after each backfill batch. Default 0.1. */
  pauseSeconds?: number;
  /** Key column the backfill walks (must be unique and indexed). Default: the table's single-column primary key
   *  or unique index where the schema shows one, else `id`. */
  key?: string;
  /** The schema the migration runs in, earlier migrations included (a history's state: see MigrationHistory and
   *  `fixHistoryStep`): keys, types and new tables known from them. Default: the migration's own statements. */
  schema?: SchemaModel;
  /** Values for the existing rows of added NOT NULL columns, by `table.column` or `column`: a SQL expression,
   *  which may use the row's other columns. Without one the fix leaves a `<value>` placeholder and a todo. */
  values?: Record<string, string>;
  /** Types of renamed columns the migration does not define, by `table.column` or `column` (the new column of an
   *  expand-and-contract rename needs it). Without one the fix leaves a placeholder and a todo. */
  types?: Record<string, string>;
  /** For a migration nobody has reviewed yet (a generator's: MikroORM's migration:create): a rewrite that needs the
   *  user's choice (a `<value>`, a key, a type) or a later deploy is not made. Such a statement, and every statement
   *  with an error-level finding no rewrite answers, stays as written under a `-- pgsafe to do [<rule>]: ...` comment
   *  saying what to do by hand; its findings stay in `unfixed`. */
  keepUndecided?: boolean;
}

/** One thing a runner executes in one go. */
export interface FixStep {
  /** The statements, each ending with `;`, with the original comments kept where the statement was kept. */
  sql: string;
  /** May share a transaction with the transactional steps next to it; false: alone, outside any transaction. */
  transactional: boolean;
  /** A transactional step that must commit on its own (VALIDATE: not in the transaction that added the constraint). */
  alone: boolean;
  /** Runs long without blocking reads or writes (VALIDATE, backfill): no statement_timeout. */
  long: boolean;
  /** Short name for file and directory names, e.g. `concurrent_index`. */
  slug: string;
  /** 1-based deploy the step belongs to. */
  deploy: number;
}

/** A deploy of an expand-and-contract plan. */
export interface FixDeploy {
  deploy: number;
  /** What the application must do before this deploy's migration runs (absent for the first deploy). */
  before?: string;
}

/** One statement rewritten. */
export interface FixChange {
  line: number;
  /** The rule whose finding the change answers. */
  rule: string;
  message: string;
}

/** Something the user must decide before the fixed migration can run. */
export interface FixTodo {
  line: number;
  message: string;
}

export interface FixResult {
  file: string;
  /** The migration as written: what the renderers give back when nothing changes. */
  source: string;
  /** The comments opening the file (before a blank line), written at the top of the first deploy. */
  header?: string;
  steps: FixStep[];
  /** One entry per deploy, in order; a single entry unless a statement needs expand and contract. */
  deploys: FixDeploy[];
  changes: FixChange[];
  todos: FixTodo[];
  /** lock_timeout and statement_timeout to set before the steps: the migration sets none of its own. */
  timeouts?: { lockTimeout: string; statementTimeout: string };
  /** Error-level findings no fixer handles, left as written. */
  unfixed: Finding[];
}

/** A step as a fixer writes it; `deploy` counts from 0 = the deploy of the statement being fixed. */
export interface Piece {
  sql: string;
  transactional: boolean;
  slug: string;
  long?: boolean;
  alone?: boolean;
  /** May wait until the end of its deploy (an index build or validation nothing later in the file needs). */
  deferrable?: boolean;
  deploy?: number;
}

export interface Rewrite {
  rule: string;
  message: string;
  pieces: Piece[];
  todos?: string[];
  /** Per later deploy (1 = the next one): what the application must do before it. */
  app?: Record<number, string>;
  /** The statement stays as written and its finding open; `todos` say why and what to do. */
  kept?: boolean;
}

/** What a fixer sees: one statement (or one subcommand of a split ALTER TABLE) and the findings on it. */
export interface FixContext {
  migration: ParsedMigration;
  stmt: ParsedStatement;
  /** The statement's node; for a split ALTER TABLE, one subcommand's statement. */
  node: ParsedStatement['node'];
  /** SQL of `node`: the original text when the statement is not split. */
  text: string;
  table?: TableRef;
  findings: Finding[];
  schema: SchemaModel;
  options: Required<Omit<FixOptions, 'values' | 'types' | 'severities' | 'key' | 'schema' | 'keepUndecided'>> & { values: Record<string, string>; types: Record<string, string>; key?: string };
  /** Statements after this one. */
  later: ParsedStatement[];
  /** What runs after this unit in the file, in order: the later parts of a split ALTER TABLE, then `later`. */
  after: { node: ParsedStatement['node']; line: number }[];
}

export type Fixer = (ctx: FixContext) => Rewrite | undefined;
