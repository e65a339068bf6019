/** The statement model below the AST: PostgreSQL's own scanner (libpg-query) cuts SQL into tokens, so that comments,
 *  string literals and the subcommands of an ALTER TABLE are found where PostgreSQL finds them, never by a regex
 *  that a `--` inside a string or a blank line inside a comment would fool. Offsets are characters (UTF-16), as
 *  everywhere in pgsafe; the scanner's are UTF-8 bytes. Call `loadParser()` first. */
import { scanSync } from './pg-parser.js';
import type { AlterTableStmt } from '@pgsql/types';
import { as } from './ast.js';
import type { ParsedMigration, ParsedStatement } from './parse.js';
import { SourceMap } from './source-map.js';

export interface Token {
  /** Character offsets into the scanned text; `end` exclusive. */
  start: number;
  end: number;
  text: string;
  comment: boolean;
}

/** The tokens of `sql`; undefined when the scanner rejects it (an unterminated comment or literal). */
export function tokens(sql: string): Token[] | undefined {
  let scanned;
  try {
    scanned = scanSync(sql);
  } catch {
    return undefined;
  }
  const map = new SourceMap(sql);
  return scanned.tokens.map((t) => {
    const start = map.charOffset(t.start);
    const end = map.charOffset(t.end);
    return { start, end, text: sql.slice(start, end), comment: t.tokenName === 'SQL_COMMENT' || t.tokenName === 'C_COMMENT' };
  });
}

/** True when `sql` holds nothing but comments and whitespace. */
export function onlyComments(sql: string): boolean {
  const list = tokens(sql);
  return list ? list.every((t) => t.comment) : false;
}

/** The offset ending the file's opening comments that stay at the top, above anything pgsafe adds: up to the last
 *  blank line outside a comment before the first statement, and at least a leading block comment as a whole
 *  (Prisma's `/* Warnings: ... *\/`). 0 when there are none. Never inside a comment. */
export function openingEnd(source: string, firstStatement: number): number {
  const list = tokens(source.slice(0, firstStatement));
  if (!list?.length || !list.every((t) => t.comment)) return 0;
  let end = list[0]!.text.startsWith('/*') ? list[0]!.end : 0;
  for (const [i, t] of list.entries()) {
    const gapEnd = list[i + 1]?.start ?? firstStatement;
    const gap = /\n[ \t\r]*\n/.exec(source.slice(t.end, gapEnd));
    if (gap) end = Math.max(end, t.end + gap.index + gap[0].length);
  }
  return end;
}

/** One subcommand of a multi-part ALTER TABLE as written: `[start, end)` in the migration's source. */
export interface AlterPart {
  start: number;
  end: number;
  /** The subcommand alone, comments inside it included: `DROP COLUMN "a"`. */
  text: string;
}

/** An ALTER TABLE (INDEX, SEQUENCE, VIEW, ...) cut at its subcommands: `head` is `ALTER TABLE [IF EXISTS] [ONLY] name`,
 *  each part one subcommand in the statement's own words, one per AST command. Undefined when the statement is no
 *  ALTER or its text does not cut into exactly one part per command. */
export function alterParts(migration: ParsedMigration, stmt: ParsedStatement): { head: string; parts: AlterPart[] } | undefined {
  const alter = as(stmt.node, 'AlterTableStmt') as AlterTableStmt | undefined;
  const location = alter?.relation?.location;
  if (!alter || location === undefined) return undefined;
  const list = tokens(stmt.text);
  if (!list) return undefined;
  const relationAt = migration.map.charOffset(location) - stmt.start.offset;
  let i = list.findIndex((t) => t.start === relationAt);
  if (i < 0) return undefined;
  while (list[i + 1]?.text === '.' && list[i + 2]) i += 2;
  if (list[i + 1]?.text === '*') i++;
  const first = list.findIndex((t) => !t.comment);
  const head = stmt.text.slice(list[first]!.start, list[i]!.end);
  const parts: AlterPart[] = [];
  let depth = 0;
  let from: Token | undefined;
  let last: Token | undefined;
  const close = () => {
    if (!from || !last) return false;
    parts.push({ start: stmt.start.offset + from.start, end: stmt.start.offset + last.end, text: stmt.text.slice(from.start, last.end) });
    from = last = undefined;
    return true;
  };
  for (const t of list.slice(i + 1)) {
    if (!t.comment && depth === 0 && t.text === ',') {
      if (!close()) return undefined;
      continue;
    }
    if (t.text === '(' || t.text === '[') depth++;
    else if (t.text === ')' || t.text === ']') depth--;
    from ??= t;
    last = t;
  }
  if (!close() || parts.length !== (alter.cmds?.length ?? 0)) return undefined;
  return { head, parts };
}
