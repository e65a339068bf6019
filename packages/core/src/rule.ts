import type { ParsedMigration, ParsedStatement } from './parse.js';
import type { ResolvedOptions } from './options.js';
import type { StatementState } from './transactions.js';
import type { SchemaModel } from './schema-model.js';
import type { TableRef } from './ast.js';
import type { Report, Severity } from './finding.js';

/** Everything a rule may look at for one statement. Rules are pure: same input, same reports. */
export interface RuleContext {
  options: ResolvedOptions;
  migration: ParsedMigration;
  statement: ParsedStatement;
  /** Transaction and timeouts in force for this statement. */
  state: StatementState;
  /** States of every statement of the migration, by index. */
  states: StatementState[];
  /** Tables, columns and indexes the migration itself defines. */
  schema: SchemaModel;
  /** True when `table` is created earlier in this migration: empty, unseen by the app, no lock risk. */
  isNewTable(table: TableRef | undefined): boolean;
}

export interface Rule {
  /** Stable id; equals the rule's file name. Same as squawk's where the check is the same. */
  id: string;
  severity: Severity;
  /** One line for `--list-rules` and the README. */
  summary: string;
  /** The statement kinds (AST node types) it looks at; absent: every statement. Lets the engine skip the rest. */
  kinds?: readonly string[];
  /** Opt-in: runs only when the config gives it a severity (squawk's opt-in rules). */
  optIn?: boolean;
  check(ctx: RuleContext): Report | Report[] | undefined;
}

export function defineRule(rule: Rule): Rule {
  return rule;
}
