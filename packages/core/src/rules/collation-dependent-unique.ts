import type { IndexElem, IndexStmt } from '@pgsql/types';
import { as, deparse, strings, tableRef, type TableRef } from '../ast.js';
import { declaredConstraints } from '../constraints.js';
import { declaredColumns } from '../column-types.js';
import { defineRule, type RuleContext } from '../rule.js';
import { retypeStatement } from '../retype.js';
import { makeName, quoteIdent } from '../sql.js';
import type { Report } from '../finding.js';

const TEXT_TYPES = new Set(['text', 'varchar', 'bpchar', 'citext']);
/** Collations that compare bytes (or code points): their order never changes with a library upgrade. */
const BYTEWISE = new Set(['c', 'posix', 'ucs_basic', 'pg_c_utf8']);
/** A text type as written (any spelling, optionally schema-qualified, with length and array bounds), or a COLLATE
 *  clause: where the recipe writes COLLATE "C". */
const TYPE_OR_COLLATE = /^(?:collate\s+(?:"[^"]*"|[\w$.]+)|(?:\w+\s*\.\s*)?(?:(?:national\s+)?(?:character|char|nchar)(?:\s+varying)?|varchar|text|bpchar|citext)(?![\w$])(?:\s*\(\s*\d+\s*\))?(?:\s*\[\s*\d*\s*\])*)/i;

interface UniqueKey {
  table: TableRef;
  /** Key columns; an expression element has no name (not judged). */
  columns: { name?: string; collation?: string }[];
  location?: number;
  /** The CREATE UNIQUE INDEX itself, or the constraint's name. */
  index?: IndexStmt;
  name?: string;
}

/** Incident 7: the uniqueness of text depends on the collation. A libc or ICU upgrade can change the sort order
 *  under an existing B-tree (glibc 2.28 did), corrupting unique indexes so that duplicates get in; and a
 *  nondeterministic (case-insensitive) ICU collation makes 'a' and 'A' one key. Flagged only when the column is known
 *  to be text (defined in this migration) or the index names a non-bytewise collation; COLLATE "C", "POSIX" and
 *  ucs_basic are safe. */
export default defineRule({
  id: 'collation-dependent-unique',
  severity: 'warning',
  optIn: true,
  kinds: ['CreateStmt', 'AlterTableStmt', 'IndexStmt'],
  summary: 'A UNIQUE index or constraint on text whose uniqueness depends on a linguistic collation.',
  check(ctx) {
    const keys: UniqueKey[] = [];
    const index = as(ctx.statement.node, 'IndexStmt');
    const indexed = tableRef(index?.relation);
    if (index?.unique && indexed) {
      const elems = (index.indexParams ?? []).map((p) => as(p, 'IndexElem') ?? {});
      keys.push({ table: indexed, columns: elems.map((e) => ({ name: e.name, collation: strings(e.collation).at(-1) })), index });
    }
    for (const { table, con, columns } of declaredConstraints(ctx.statement.node)) {
      if (con.contype === 'CONSTR_UNIQUE') keys.push({ table, columns: columns.map((name) => ({ name })), location: con.location, name: con.conname });
    }
    return keys.flatMap((key): Report[] => {
      const risky = key.columns.filter((c) => c.name && linguistic(ctx, key.table, c.name, c.collation)).map((c) => c.name!);
      if (risky.length === 0) return [];
      const all = key.columns.map((c) => c.name ?? '<expression>');
      const keyList = all.map(quoteIdent).join(', ');
      const { sql, lowerSql } = recipeFor(ctx, key, risky);
      return [{
        message: `Unique key (${keyList}) on ${key.table.sql} compares text with a linguistic collation: its uniqueness depends on the collation library.`,
        why: `A B-tree stores keys in collation order. When the operating system's libc or ICU changes that order (glibc 2.28 changed it for many strings), an existing unique index is silently corrupt: lookups miss and duplicates of (${risky.map(quoteIdent).join(', ')}) get in, until a REINDEX fails on them. A nondeterministic (case-insensitive) collation also makes 'a' and 'A' one key.`,
        location: key.location,
        recipe: {
          summary: 'For identifiers and keys compare bytes: COLLATE "C" on the column or the index key. For case-insensitive uniqueness, index lower(column) COLLATE "C" instead.',
          sql: `${sql}\n-- case-insensitive uniqueness instead: ${lowerSql}`,
          versions: 'All supported versions. PostgreSQL warns when a collation library changed: ICU collations since PG 10, libc collations (glibc) since PG 13, the database default since PG 15. The builtin C.UTF-8 collation (pg_c_utf8, code point order) is PG 17+.',
        },
      }];
    });
  },
});

/** The column is text-like (as the migration defines it) and neither it nor the index key asks for a bytewise
 *  collation. An explicit COLLATE on the index key decides alone. */
function linguistic(ctx: RuleContext, table: TableRef, column: string, keyCollation: string | undefined): boolean {
  if (keyCollation) return !BYTEWISE.has(keyCollation.toLowerCase());
  const info = ctx.schema.column(table, column, ctx.statement.index + 1);
  return !!info && TEXT_TYPES.has(info.type.name) && !(info.collation && BYTEWISE.has(info.collation));
}

/** The user's statement with COLLATE "C" on the risky keys, and a unique index on lower(...) COLLATE "C". */
function recipeFor(ctx: RuleContext, key: UniqueKey, risky: string[]): { sql: string; lowerSql: string } {
  const { table } = key;
  // An existing table keeps its writes during the build (require-concurrent-index-creation says why).
  const concurrently = !ctx.isNewTable(table) && !as(ctx.statement.node, 'CreateStmt');
  const create = `CREATE UNIQUE INDEX ${concurrently ? 'CONCURRENTLY ' : ''}`;
  const keyName = key.index?.idxname ?? key.name ?? makeName(table.name, ...key.columns.map((c) => c.name ?? 'expr'), 'key');
  const keys = (render: (column: string) => string) => key.columns.map((c) => (c.name && risky.includes(c.name) ? render(c.name) : c.name ? quoteIdent(c.name) : '<expression>')).join(', ');
  const lowerName = makeName(keyName.replace(/_(key|idx|index|unique)$/, ''), 'lower', 'key');
  if (key.index) {
    // The user's own index (name, WHERE, INCLUDE, sort order kept) with the risky keys compared bytewise.
    const C = [{ String: { sval: 'C' } }];
    const variant = (name: string | undefined, elem: (e: IndexElem & { name: string }) => IndexElem) => {
      const indexParams = (key.index!.indexParams ?? []).map((p) => {
        const e = as(p, 'IndexElem');
        return e?.name && risky.includes(e.name) ? { IndexElem: elem({ ...e, name: e.name }) } : p;
      });
      return `${deparse({ IndexStmt: { ...key.index!, idxname: name, indexParams, concurrent: concurrently } })};`;
    };
    const lower = (column: string) => ({ FuncCall: { funcname: [{ String: { sval: 'lower' } }], args: [{ ColumnRef: { fields: [{ String: { sval: column } }] } }] } });
    return {
      sql: variant(key.index.idxname, (e) => ({ ...e, collation: C })),
      lowerSql: variant(lowerName, (e) => ({ ...e, name: undefined, expr: lower(e.name), collation: C })),
    };
  }
  const lowerSql = `${create}${quoteIdent(lowerName)} ON ${table.sql} (${keys((c) => `lower(${quoteIdent(c)}) COLLATE "C"`)});`;
  // A key on columns this statement defines: declare them COLLATE "C" where they are defined.
  const defined = declaredColumns(ctx.statement.node).filter((c) => risky.includes(c.name));
  if (defined.length === risky.length) {
    const at = defined.map((c) => c.def.collClause?.location ?? c.def.typeName?.location);
    return { sql: retypeStatement(ctx, at, TYPE_OR_COLLATE, ([m]) => (/^collate/i.test(m) ? 'COLLATE "C"' : `${m} COLLATE "C"`)), lowerSql };
  }
  // A constraint's index must use the column's collation: on an existing column, a unique index instead.
  return { sql: `${create}${quoteIdent(keyName)} ON ${table.sql} (${keys((c) => `${quoteIdent(c)} COLLATE "C"`)});`, lowerSql };
}
