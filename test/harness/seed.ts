/** Bulk rows for end-to-end tests: one INSERT ... SELECT over generate_series, so 100k rows take milliseconds. */
import { openSession } from './sessions.js';

/** Anything with pg's `query(sql)`: a pg.Client, a TestDatabase. */
export interface Queryable {
  query(sql: string): Promise<unknown>;
}

/** Inserts `n` rows into `table` (an SQL identifier, schema-qualified if needed). `columns` gives each row's values
 *  as SQL expressions of the row number `i`: a map column → expression, or one select list for the table's columns
 *  in order. Without `columns`, `i` fills the first column and the others take their defaults. */
export async function seedRows(target: Queryable | string, table: string, n: number, columns: Record<string, string> | string = 'i'): Promise<void> {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`seedRows: n must be a non-negative integer, got ${n}`);
  const [names, values] = typeof columns === 'string' ? ['', columns] : [` (${Object.keys(columns).join(', ')})`, Object.values(columns).join(', ')];
  const sql = `INSERT INTO ${table}${names} SELECT ${values} FROM generate_series(1, ${n}) AS i`;
  if (typeof target !== 'string') {
    await target.query(sql);
    return;
  }
  const client = await openSession(target, 'pgsafe-test-seed');
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
