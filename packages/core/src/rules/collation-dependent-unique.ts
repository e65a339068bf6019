import type { IndexElem } from '@pgsql/types';
import { as, quoteList, strings, tableRef, type TableRef } from '../ast.js';
import { declaredConstraints } from '../constraints.js';
import { defineRule, type RuleContext } from '../rule.js';
import { makeName, quoteIdent } from '../sql.js';
import type { Report } from '../finding.js';

const TEXT_TYPES = new Set(['text', 'varchar', 'bpchar', 'citext', 'name']);
const BYTEWISE = new Set(['c', 'posix', 'ucs_basic', 'pg_c_utf8']);

/** Incident 7: the uniqueness of text depends on the collation. A libc or ICU library upgrade can change the sort
 *  order under an existing B-tree (glibc 2.28 did), corrupting unique indexes so duplicates get in; and a
 *  nondeterministic (case-insensitive) collation makes 'a' and 'A' the same key. Flagged only when the column is
 *  known to be text (defined in this migration) or the index names a non-bytewise collation. */
export default defineRule({
  id: 'collation-dependent-unique',
  severity: 'warning',
  kinds: ['CreateStmt', 'AlterTableStmt', 'IndexStmt'],
  summary: 'A UNIQUE index or constraint on text whose uniqueness depends on a linguistic collation.',
  check(ctx) {
    const found: { table: TableRef; columns: { name: string; collation?: string }[]; location?: number }[] = [];
    const index = as(ctx.statement.node, 'IndexStmt');
    if (index?.unique) {
      const table = tableRef(index.relation);
      const elems = (index.indexParams ?? []).map((p) => as(p, 'IndexElem')).filter((e): e is IndexElem => !!e?.name);
      if (table) found.push({ table, columns: elems.map((e) => ({ name: e.name!, collation: strings(e.collation).at(-1)?.toLowerCase() })) });
    }
    for (const { table, con, columns } of declaredConstraints(ctx.statement.node)) {
      if (con.contype === 'CONSTR_UNIQUE') found.push({ table, columns: columns.map((name) => ({ name })), location: con.location });
    }
    return found.flatMap(({ table, columns, location }): Report[] => {
      const risky = columns.filter((c) => isLinguisticText(ctx, table, c.name, c.collation)).map((c) => c.name);
      if (risky.length === 0) return [];
      const all = columns.map((c) => c.name);
      const name = quoteIdent(makeName(table.name, ...all, 'key'));
      return [{
        message: `Unique key (${quoteList(all)}) on ${table.sql} compares text with a linguistic collation: its uniqueness depends on the collation library.`,
        why: `A B-tree stores keys in collation order. When the operating system's libc or ICU changes that order (glibc 2.28 changed it for many strings), an existing unique index is silently corrupt: lookups miss and duplicates of (${quoteList(risky)}) get in until a REINDEX, which then fails on the duplicates. A nondeterministic (case-insensitive) collation also makes 'a' and 'A' one key.`,
        location,
        recipe: {
          summary: 'For identifiers and keys compare bytes: declare the column (or the index key) COLLATE "C"; for case-insensitive uniqueness index lower(col) explicitly.',
          sql: [
            `CREATE UNIQUE INDEX CONCURRENTLY ${name} ON ${table.sql} (${all.map((c) => (risky.includes(c) ? `${quoteIdent(c)} COLLATE "C"` : quoteIdent(c))).join(', ')});`,
            `-- case-insensitive: CREATE UNIQUE INDEX CONCURRENTLY ${quoteIdent(makeName(table.name, ...all, 'lower', 'key'))} ON ${table.sql} (${all.map((c) => (risky.includes(c) ? `lower(${quoteIdent(c)})` : quoteIdent(c))).join(', ')});`,
          ].join('\n'),
          versions: 'Collation version tracking warns after library upgrades (libc: PG 13+, database level: PG 15+); the builtin C.UTF-8 provider is PG 17+.',
        },
      }];
    });
  },
});

/** The column is text-like (as the migration defines it) and neither it nor the index asks for a bytewise collation. */
function isLinguisticText(ctx: RuleContext, table: TableRef, column: string, indexCollation: string | undefined): boolean {
  if (indexCollation) return !BYTEWISE.has(indexCollation);
  const info = ctx.schema.column(table, column);
  if (!info || !TEXT_TYPES.has(info.type.name) || info.type.name === 'name') return false;
  return !info.collation || !BYTEWISE.has(info.collation);
}
