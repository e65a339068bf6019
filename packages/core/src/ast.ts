/** Small typed accessors over libpg-query's JSON AST (`{ NodeType: body }` objects). */
import type { Node, RangeVar, TypeName, ColumnDef, Constraint, CommentStmt } from '@pgsql/types';
import { createRequire } from 'node:module';
import { quoteIdent, quoteQualified } from './sql.js';
import { cachedOn } from './cached-on.js';

type AnyNode = Node extends infer U ? (U extends Record<string, unknown> ? U : never) : never;
export type NodeKind = AnyNode extends infer U ? (U extends Record<infer K, unknown> ? K & string : never) : never;
export type NodeOf<K extends NodeKind> = Extract<Node, Record<K, unknown>> extends Record<K, infer B> ? B : never;

/** The body of `node` when it is of `kind`, else undefined. */
export function as<K extends NodeKind>(node: Node | undefined, kind: K): NodeOf<K> | undefined {
  return node && kind in node ? (node as unknown as Record<K, NodeOf<K>>)[kind] : undefined;
}

export function kindOf(node: Node): string {
  return Object.keys(node)[0]!;
}

/** The `sval`s of a list of String nodes (qualified names, option names). */
export function strings(nodes: Node[] | undefined): string[] {
  const out: string[] = [];
  for (const n of nodes ?? []) {
    const s = as(n, 'String')?.sval;
    if (s) out.push(s);
  }
  return out;
}

/** SQL text for an AST node, on one line: runs of whitespace between tokens become one space; string literals,
 *  quoted identifiers and dollar-quoted bodies keep theirs (a default of 'a  b' stays 'a  b'). */
export function sqlOf(node: Node): string {
  return foldWhitespace(deparse(node));
}

let deparser: typeof import('pgsql-deparser') | undefined;

/** SQL text for an AST node, as pgsql-deparser writes it. The deparser is loaded on first use: importing it was a
 *  sixth of the CLI's start-up, and many checks never print a rewritten statement. */
export function deparse(node: Node): string {
  deparser ??= createRequire(import.meta.url)('pgsql-deparser') as typeof import('pgsql-deparser');
  return deparser.deparseSync(node, { pretty: false });
}

const QUOTED_OR_SPACE = /'(?:[^']|'')*'|"(?:[^"]|"")*"|(\$[A-Za-z_]*\$)[\s\S]*?\1|\s+/g;

export function foldWhitespace(sql: string): string {
  return sql.replace(QUOTED_OR_SPACE, (m) => (/^\s/.test(m) ? ' ' : m)).trim();
}

/** A table name as the migration wrote it. `key` compares tables (an unqualified name means `public`). */
export interface TableRef {
  schema?: string;
  name: string;
  /** Quoted for SQL, schema included when written. */
  sql: string;
  key: string;
}

export function tableRef(rv: RangeVar | undefined): TableRef | undefined {
  if (!rv?.relname) return undefined;
  return tableRefOf(rv.schemaname, rv.relname);
}

export function tableRefOf(schema: string | undefined, name: string): TableRef {
  return { schema, name, sql: quoteQualified(schema, name), key: `${schema ?? 'public'}.${name}` };
}

/** The table a list of names gives (`DROP TABLE a.b` lists each object's names as String nodes): its last two parts. */
export function tableRefOfList(obj: Node): TableRef | undefined {
  const parts = strings(as(obj, 'List')?.items);
  if (parts.length === 0) return undefined;
  return tableRefOf(parts.length > 1 ? parts[parts.length - 2] : undefined, parts[parts.length - 1]!);
}

/** The table a COMMENT ON TABLE or COLUMN is on (named by one or two parts), and the column for COLUMN; undefined for
 *  a comment on anything else. */
export function commentTarget(comment: CommentStmt): { table: TableRef; column?: string } | undefined {
  if (comment.objtype !== 'OBJECT_TABLE' && comment.objtype !== 'OBJECT_COLUMN') return undefined;
  const names = strings(as(comment.object, 'List')?.items);
  const column = comment.objtype === 'OBJECT_COLUMN' ? names.pop() : undefined;
  if (names.length === 0 || names.length > 2 || (comment.objtype === 'OBJECT_COLUMN' && !column)) return undefined;
  return { table: tableRefOf(names.length === 2 ? names[0] : undefined, names.at(-1)!), ...(column ? { column } : {}) };
}

/** A type as PostgreSQL resolves common aliases: `int` → `int4`, `timestamp` → `timestamp`, etc. */
export interface TypeInfo {
  /** Lower-case base type name without `pg_catalog.` (`int4`, `varchar`, `timestamptz`, `text`, ...). */
  name: string;
  /** Type modifiers as integers, e.g. `[50]` for varchar(50), `[10, 2]` for numeric(10,2). */
  mods: number[];
  array: boolean;
  /** SQL text of the type as written (canonical spelling). */
  sql: string;
}

const TYPE_INFO = Symbol('typeInfo');

export function typeInfo(tn: TypeName | undefined): TypeInfo | undefined {
  if (!tn) return undefined;
  return cachedOn(tn, TYPE_INFO, computeTypeInfo);
}

const NO_MODS: number[] = Object.freeze([]) as unknown as number[];

function computeTypeInfo(tn: TypeName): TypeInfo {
  const names = strings(tn.names);
  const name = (names[names.length - 1] ?? '').toLowerCase();
  const mods = tn.typmods ? tn.typmods.map((m) => as(m, 'A_Const')?.ival?.ival ?? 0) : NO_MODS;
  return new ParsedType(tn, name, mods, (tn.arrayBounds?.length ?? 0) > 0);
}

/** A class, not an object literal with a getter: the literal made every column's type a slow dictionary object with
 *  its own closure, and the schema model alone then allocated ~190 MB on the bench corpus. */
class ParsedType implements TypeInfo {
  readonly #node: TypeName;
  #sql: string | undefined;

  constructor(
    node: TypeName,
    readonly name: string,
    readonly mods: number[],
    readonly array: boolean,
  ) {
    this.#node = node;
  }

  // Deparsing is the costly part; most types are only compared, never printed.
  get sql(): string {
    return (this.#sql ??= sqlOf({ TypeName: this.#node }));
  }
}

export function columnDef(node: Node | undefined): ColumnDef | undefined {
  return as(node, 'ColumnDef');
}

/** Constraints attached to a column definition. */
export function columnConstraints(col: ColumnDef): Constraint[] {
  return (col.constraints ?? []).map((c) => as(c, 'Constraint')).filter((c): c is Constraint => !!c);
}

/** Column names of a constraint key list (`keys`, `fk_attrs`, `pk_attrs`). */
export function columnNames(nodes: Node[] | undefined): string[] {
  return strings(nodes);
}

export function quoteList(names: string[]): string {
  return names.map(quoteIdent).join(', ');
}

/** The column each column reference anywhere inside `node` names: its last field (`*` for `t.*`), once each. */
export function referencedColumns(node: unknown): string[] {
  const columns = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const ref = as(v as Node, 'ColumnRef');
      const last = ref?.fields?.at(-1);
      if (ref && last) columns.add(as(last, 'String')?.sval ?? '*');
      Object.values(v).forEach(walk);
    }
  };
  walk(node);
  return [...columns];
}

/** Names of every function called anywhere inside `node` (lower-case, without schema). */
export function calledFunctions(node: unknown): string[] {
  const names: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const call = (v as { FuncCall?: { funcname?: Node[] } }).FuncCall;
      if (call) names.push((strings(call.funcname).at(-1) ?? '').toLowerCase());
      Object.values(v).forEach(walk);
    }
  };
  walk(node);
  return names;
}
