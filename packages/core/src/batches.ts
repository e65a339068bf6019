import type { TableRef } from './ast.js';
import { quoteIdent } from './sql.js';

/** A data change over a whole table as a keyset loop on its key, one short transaction per batch: each batch holds
 *  its row locks only until its COMMIT, and each finds its start through the key's index, so the whole run stays
 *  linear in the table's size (repeating `... WHERE id IN (SELECT id ... LIMIT n)` rescans the done rows each time).
 *  `statement` gets the batch's key range as a condition and returns the UPDATE or DELETE for it. The key can be of
 *  any ordered type (`%TYPE`). COMMIT in a DO block needs PG 11+ and a call outside a transaction block: inside one
 *  it fails at once ("invalid transaction termination") instead of holding every row lock to the end. */
export function keysetBatches(table: TableRef, statement: (inBatch: string) => string, key = 'id', size = 1000): string {
  const k = quoteIdent(key);
  return [
    'DO $$',
    `DECLARE batch_start ${table.sql}.${k}%TYPE; next_start ${table.sql}.${k}%TYPE;`,
    'BEGIN',
    `  SELECT ${k} INTO batch_start FROM ${table.sql} ORDER BY ${k} LIMIT 1;`,
    '  WHILE batch_start IS NOT NULL LOOP',
    `    SELECT ${k} INTO next_start FROM ${table.sql} WHERE ${k} >= batch_start ORDER BY ${k} OFFSET ${size} LIMIT 1;`,
    `    ${statement(`${k} >= batch_start AND (${k} < next_start OR next_start IS NULL)`)};`,
    '    COMMIT;',
    '    batch_start := next_start;',
    '  END LOOP;',
    'END $$;',
  ].join('\n');
}
