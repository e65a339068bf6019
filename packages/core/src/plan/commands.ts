/** The exact commands one attempt of a step sends: shared by the printed plan and the executor, so what
 *  `--dry-run` shows is what runs. */
import { settingLiteral } from './duration.js';
import type { PlannedStatement, Step } from './types.js';

export interface StepCommands {
  /** BEGIN and SET LOCAL in a transaction; SET in autocommit. */
  setup: string[];
  /** Each statement with the settings to apply just before it (a timeout changed mid-step). */
  statements: { statement: PlannedStatement; before: string[] }[];
  /** COMMIT for a transaction. */
  finish: string[];
  /** Always run after an autocommit step, also when it failed: RESET of what setup changed. */
  reset: string[];
}

/** `begin` is the block's own BEGIN text (isolation level etc.) for an explicit transaction block. */
export function stepCommands(step: Pick<Step, 'transactional' | 'statements' | 'lockTimeoutMs' | 'statementTimeoutMs'> & { begin?: string }, lockTimeoutMs = step.lockTimeoutMs): StepCommands {
  const set = step.transactional ? 'SET LOCAL' : 'SET';
  const settings = (lock: number | undefined, statement: number | undefined) => [
    ...(lock === undefined ? [] : [`${set} lock_timeout = ${settingLiteral(lock)}`]),
    ...(statement === undefined ? [] : [`${set} statement_timeout = ${settingLiteral(statement)}`]),
  ];
  return {
    setup: [...(step.transactional ? [step.begin ?? 'BEGIN'] : []), ...settings(lockTimeoutMs, step.statementTimeoutMs)],
    statements: step.statements.map((statement) => ({ statement, before: settings(statement.lockTimeoutMs, statement.statementTimeoutMs) })),
    finish: step.transactional ? ['COMMIT'] : [],
    reset: step.transactional ? [] : ['RESET lock_timeout', 'RESET statement_timeout'],
  };
}

/** The commands as one SQL script. */
export function commandsSql(c: StepCommands): string {
  const all = [...c.setup, ...c.statements.flatMap((s) => [...s.before, s.statement.sql]), ...c.finish, ...c.reset];
  return all.map((s) => `${s};`).join('\n');
}
