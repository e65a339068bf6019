/** What a database ends as after a migration, to prove that a fixed migration means the same as the original:
 *  every object of the user's schemas (tables, columns, constraints, indexes, types, views, sequences, functions,
 *  triggers) and the rows of every table, as one map from a readable key to its definition. Two end states are
 *  compared key by key (`diffEndStates`). Column order is not part of it: expand-and-contract adds a column at the end
 *  by design, and nothing but `SELECT *` sees the order. */
import type pg from 'pg';

export type EndState = Map<string, string>;

const USER_SCHEMAS = `n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname NOT LIKE 'pg_temp_%' AND n.nspname NOT LIKE 'pg_toast_temp_%'`;

/** Rows are compared as a digest per table; columns filled by a volatile default (random, clock) differ from one
 *  database to another by design and are left out of it. */
const VOLATILE_DEFAULT = /\b(gen_random_uuid|uuid_generate_v[14]|random|now|clock_timestamp|statement_timestamp|transaction_timestamp|timeofday|current_timestamp|localtimestamp|current_date|current_time)\b/i;

/** `ignoreTables`: `schema.table` names left out with everything on them (a runner's own bookkeeping table). */
export async function endState(client: Pick<pg.Client, 'query'>, options: { rows?: boolean; ignoreTables?: string[] } = {}): Promise<EndState> {
  const state: EndState = new Map();
  const ignored = new Set(options.ignoreTables ?? []);
  const q = async (sql: string) => (await client.query<{ k: string; v: string | null }>(sql)).rows;
  const add = (rows: { k: string; v: string | null }[]) => {
    for (const r of rows) {
      const object = r.k.slice(r.k.indexOf(' ') + 1);
      if (![...ignored].some((t) => object === t || object.startsWith(`${t}.`))) state.set(r.k, r.v ?? '');
    }
  };
  add(await q(`SELECT 'schema ' || nspname AS k, '' AS v FROM pg_namespace n WHERE ${USER_SCHEMAS} AND nspname <> 'public'`));
  add(
    await q(`SELECT 'relation ' || n.nspname || '.' || c.relname AS k, c.relkind::text || CASE WHEN c.relkind IN ('v', 'm') THEN ' ' || pg_get_viewdef(c.oid) ELSE '' END AS v
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${USER_SCHEMAS} AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')`),
  );
  add(
    await q(`SELECT 'column ' || n.nspname || '.' || c.relname || '.' || a.attname AS k,
                    concat_ws(' ', format_type(a.atttypid, a.atttypmod), CASE WHEN a.attnotnull THEN 'NOT NULL' END, 'DEFAULT ' || pg_get_expr(d.adbin, d.adrelid),
                              CASE WHEN a.attidentity <> '' THEN 'IDENTITY ' || a.attidentity::text END, CASE WHEN a.attgenerated <> '' THEN 'GENERATED' END,
                              CASE WHEN a.attcollation <> t.typcollation THEN 'COLLATE ' || co.collname END) AS v
             FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_type t ON t.oid = a.atttypid
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum LEFT JOIN pg_collation co ON co.oid = a.attcollation
             WHERE ${USER_SCHEMAS} AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND a.attnum > 0 AND NOT a.attisdropped`),
  );
  // PG 18 also records NOT NULL as named constraints (contype 'n'): their names are compared too (a rename keeps the
  // old name, and so must its expand-and-contract recipe).
  add(
    await q(`SELECT 'constraint ' || n.nspname || '.' || c.relname || '.' || k.conname AS k, k.contype::text || ' ' || pg_get_constraintdef(k.oid) || CASE WHEN k.convalidated THEN '' ELSE ' NOT VALID' END AS v
             FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${USER_SCHEMAS}`),
  );
  add(
    await q(`SELECT 'index ' || n.nspname || '.' || t.relname || '.' || c.relname AS k, pg_get_indexdef(i.indexrelid) || CASE WHEN i.indisvalid THEN '' ELSE ' INVALID' END AS v
             FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${USER_SCHEMAS}`),
  );
  add(
    await q(`SELECT 'type ' || n.nspname || '.' || t.typname AS k,
                    t.typtype::text || ' ' || coalesce((SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid), format_type(t.typbasetype, t.typtypmod)) AS v
             FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE ${USER_SCHEMAS} AND t.typtype IN ('e', 'd')`),
  );
  add(
    await q(`SELECT 'function ' || n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' AS k, md5(pg_get_functiondef(p.oid)) AS v
             FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE ${USER_SCHEMAS} AND p.prokind IN ('f', 'p')
             AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')`),
  );
  add(
    await q(`SELECT 'trigger ' || n.nspname || '.' || c.relname || '.' || tg.tgname AS k, pg_get_triggerdef(tg.oid) AS v
             FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${USER_SCHEMAS} AND NOT tg.tgisinternal`),
  );
  if (options.rows !== false) await addRows(client, state, ignored);
  return state;
}

/** Per table its row count, and per column the digest of its values (sorted): `rows schema.table` and
 *  `values schema.table.column`. A column whose values differ from run to run by design (a volatile default, or a
 *  migration's own now() or gen_random_uuid()) can then be left out of a comparison on its own (`without`). */
async function addRows(client: Pick<pg.Client, 'query'>, state: EndState, ignored: Set<string>): Promise<void> {
  const tables = [...state.entries()].filter(([k, v]) => k.startsWith('relation ') && (v === 'r' || v === 'p')).map(([k]) => k.slice('relation '.length));
  for (const table of tables) {
    if (ignored.has(table)) continue;
    const columns = [...state.entries()]
      .filter(([k, v]) => k.startsWith(`column ${table}.`) && !k.slice(`column ${table}.`.length).includes('.') && !VOLATILE_DEFAULT.test(v))
      .map(([k]) => k.slice(`column ${table}.`.length));
    const [schema, name] = [table.slice(0, table.indexOf('.')), table.slice(table.indexOf('.') + 1)];
    const digests = columns.map((c, i) => `md5(string_agg(${ident(c)}::text, E'\\n' ORDER BY ${ident(c)}::text)) AS c${i}`);
    const { rows } = await client.query<Record<string, string | null>>(`SELECT ${['count(*)::text AS n', ...digests].join(', ')} FROM ONLY ${ident(schema)}.${ident(name)}`);
    state.set(`rows ${table}`, `${rows[0]!.n} rows`);
    columns.forEach((c, i) => state.set(`values ${table}.${c}`, rows[0]![`c${i}`] ?? ''));
  }
}

function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Keys whose values differ between two runs of the same migrations: what `diffEndStates` must leave out. */
export function unstableKeys(a: EndState, b: EndState): Set<string> {
  return new Set([...a.keys()].filter((k) => k.startsWith('values ') && a.get(k) !== b.get(k)));
}

/** What differs, one line per key: `only in the original: ...`, `only in the fixed: ...`, `differs: ...`. */
export function diffEndStates(original: EndState, fixed: EndState, without: Set<string> = new Set()): string[] {
  const out: string[] = [];
  for (const [k, v] of original) {
    if (without.has(k)) continue;
    if (!fixed.has(k)) out.push(`only in the original: ${k}${v ? ` ${v}` : ''}`);
    else if (fixed.get(k) !== v) out.push(`differs: ${k}: ${v} (original) / ${fixed.get(k)} (fixed)`);
  }
  for (const [k, v] of fixed) if (!original.has(k) && !without.has(k)) out.push(`only in the fixed: ${k}${v ? ` ${v}` : ''}`);
  return out;
}
