import { defineRule } from '../rule.js';
import { trafficLocks } from '../lock-risk.js';

/** Opt-in, for teams moving from squawk's combined rule: pgsafe reports the two timeouts separately
 *  (require-lock-timeout, require-statement-timeout) by default. */
export default defineRule({
  id: 'require-timeout-settings',
  severity: 'warning',
  optIn: true,
  summary: 'Opt-in: squawk\'s combined check (both timeouts set before blocking statements); pgsafe splits it into two rules.',
  check(ctx) {
    if ((ctx.state.lockTimeout && ctx.state.statementTimeout) || trafficLocks(ctx.statement, ctx.schema).length === 0) return undefined;
    const first = ctx.migration.statements.find((s) => trafficLocks(s, ctx.schema).length > 0 && !(ctx.states[s.index]!.lockTimeout && ctx.states[s.index]!.statementTimeout));
    if (first?.index !== ctx.statement.index) return undefined;
    const missing = [!ctx.state.lockTimeout && 'lock_timeout', !ctx.state.statementTimeout && 'statement_timeout'].filter(Boolean).join(' and ');
    return {
      message: `No ${missing} before the first statement that blocks traffic.`,
      why: 'Without lock_timeout the statement can wait in the lock queue while all traffic queues behind it; without statement_timeout nothing bounds how long it then holds the lock.',
      recipe: { summary: 'Set both at the top of the migration.', sql: "SET lock_timeout = '2s';\nSET statement_timeout = '5s';", versions: 'All supported versions.' },
    };
  },
});
