import type { TableRef } from './ast.js';
import { quoteIdent, quoteLiteral } from './sql.js';

/** What a long batched run adds to the bare loop. */
export interface BatchOptions {
  /** Rows that still need the change (e.g. `col IS NULL`): the loop starts at the first of them, so a run that
   *  crashed or was cancelled resumes where it stopped instead of redoing the done batches. */
  pending?: string;
  /** Seconds to sleep after each batch, so replicas and autovacuum keep up. */
  pauseSeconds?: number;
  /** Reports rows done as a NOTICE starting with this label: after the first batch, then at most every
   *  PROGRESS_SECONDS (a line per batch would be thousands of lines), and once at the end. */
  progress?: string;
}

export const PROGRESS_SECONDS = 5;

/** A data change over a whole table as a keyset loop on its key, one short transaction per batch: each batch holds
 *  its row locks only until its COMMIT, and each finds its start through the key's index, so the whole run stays
 *  linear in the table's size (repeating `... WHERE id IN (SELECT id ... LIMIT n)` rescans the done rows each time).
 *  `statement` gets the batch's key range as a condition and returns the UPDATE or DELETE for it. The key can be of
 *  any ordered type (`%TYPE`). COMMIT in a DO block needs PG 11+ and a call outside a transaction block: inside one
 *  it fails at once ("invalid transaction termination") instead of holding every row lock to the end. */
export function keysetBatches(table: TableRef, statement: (inBatch: string) => string, key = 'id', size = 1000, options: BatchOptions = {}): string {
  const k = quoteIdent(key);
  const { pending, pauseSeconds, progress } = options;
  return [
    'DO $$',
    `DECLARE batch_start ${table.sql}.${k}%TYPE; next_start ${table.sql}.${k}%TYPE;${progress ? ' done bigint := 0; n bigint; reported timestamptz;' : ''}`,
    'BEGIN',
    `  SELECT ${k} INTO batch_start FROM ${table.sql}${pending ? ` WHERE ${pending}` : ''} ORDER BY ${k} LIMIT 1;`,
    '  WHILE batch_start IS NOT NULL LOOP',
    `    SELECT ${k} INTO next_start FROM ${table.sql} WHERE ${k} >= batch_start ORDER BY ${k} OFFSET ${size} LIMIT 1;`,
    `    ${statement(`${k} >= batch_start AND (${k} < next_start OR next_start IS NULL)`)};`,
    ...(progress ? ['    GET DIAGNOSTICS n = ROW_COUNT;', '    done := done + n;'] : []),
    '    COMMIT;',
    ...(progress
      ? [
          `    IF reported IS NULL OR clock_timestamp() >= reported + interval '${PROGRESS_SECONDS} seconds' THEN`,
          `      RAISE NOTICE '%: % rows done, next key %', ${quoteLiteral(progress)}, done, next_start;`,
          '      reported := clock_timestamp();',
          '    END IF;',
        ]
      : []),
    ...(pauseSeconds ? [`    PERFORM pg_sleep(${pauseSeconds});`] : []),
    '    batch_start := next_start;',
    '  END LOOP;',
    ...(progress ? [`  RAISE NOTICE '%: % rows done, finished', ${quoteLiteral(progress)}, done;`] : []),
    'END $$;',
  ].join('\n');
}
