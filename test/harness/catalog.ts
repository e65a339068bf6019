/** A pg.Client, or a TestDatabase. */
interface ParamQueryable {
  query(sql: string, params: unknown[]): Promise<{ rows: unknown[] }>;
}

/** The table's column names in order (unqualified name, any schema on the search path). */
export async function columnsOf(q: ParamQueryable, table: string): Promise<string[]> {
  const { rows } = await q.query('SELECT column_name FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position', [table]);
  return rows.map((r) => (r as { column_name: string }).column_name);
}
