/**
 * A recipe is written for a SQL file, where `COMMIT;` ends the file's transaction and `BEGIN;` starts the next one.
 * Inside an ORM's migration transaction a COMMIT sent by the migration would commit the ORM's transaction under it
 * (its bookkeeping and rollback with it): the guard never suggests it there. The transaction-control lines are taken
 * out of the recipe, and the ORM's own way of running a migration outside its transaction (the adapter's hint) says
 * where the rest goes.
 */
import type { Finding } from '../finding.js';

const TRANSACTION_CONTROL = /^\s*(COMMIT|BEGIN|START\s+TRANSACTION)\b/i;

/** The finding as advice for a statement that runs in the ORM's transaction; `split`: a line was taken out. */
export function inOrmTransaction(finding: Finding): { finding: Finding; split: boolean } {
  const lines = finding.recipe.sql.split('\n');
  const kept = lines.filter((l) => !TRANSACTION_CONTROL.test(l));
  if (kept.length === lines.length) return { finding, split: false };
  return {
    finding: {
      ...finding,
      recipe: {
        ...finding.recipe,
        summary: `${finding.recipe.summary} The ORM runs this migration in a transaction: never COMMIT inside it; put what follows the transaction's end in a migration of its own (see the hint).`,
        sql: kept.join('\n'),
      },
    },
    split: true,
  };
}
