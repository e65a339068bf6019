import { loadParser, parseSync, type SqlError } from './pg-parser.js';
import type { Node } from '@pgsql/types';
import { SourceMap, type Position } from './source-map.js';

/** One top-level statement of a migration, with its exact place in the file. */
export interface ParsedStatement {
  /** 0-based position among the file's statements. */
  index: number;
  /** The statement's AST node, e.g. `{ AlterTableStmt: {...} }`. */
  node: Node;
  /** The node type, e.g. `AlterTableStmt`. */
  kind: string;
  /** The statement's source text, without the trailing `;`. */
  text: string;
  start: Position;
  /** Exclusive: the position just after the statement's last character. */
  end: Position;
}

export interface ParsedMigration {
  /** Path as given by the caller (or `<stdin>`), used in every location. */
  file: string;
  source: string;
  /** Whether `source` holds the word pgsafe-ignore, when the maker already knows (a guard's migration built chunk by
   *  chunk: looking again through the whole text at every statement would cost the migration's length each time). */
  mentionsIgnore?: boolean;
  statements: ParsedStatement[];
  /** Offsets in AST nodes (`location`) are UTF-8 bytes; this turns them into positions. */
  map: SourceMap;
}

/** A file that PostgreSQL's own parser rejects. Never a silent pass. */
export class ParseError extends Error {
  constructor(
    readonly file: string,
    readonly position: Position,
    readonly reason: string,
    readonly lineText: string,
  ) {
    super(`${file}:${position.line}:${position.column}: ${reason}`);
    this.name = 'ParseError';
  }
}

/** Loads the WASM parser once; every other function here is synchronous after it resolves. */
export { loadParser };

/** Parses a whole migration with the real PostgreSQL parser (libpg-query). Call `loadParser()` first. */
export function parseMigration(source: string, file = '<input>'): ParsedMigration {
  const nul = nulByteError(source, file);
  if (nul) throw nul;
  // libpg-query throws on empty input; a file of only whitespace or comments is simply empty.
  if (source.trim() === '') return migrationFromTree(source, file, {});
  let tree;
  try {
    tree = parseSync(source);
  } catch (error) {
    const details = (error as SqlError).sqlDetails;
    if (!details) throw error;
    throw parseErrorAt(source, file, details.message, details.cursorPosition ?? 0);
  }
  return migrationFromTree(source, file, tree);
}

/** What libpg-query returns for a whole file: its statements with their UTF-8 byte spans. */
export interface ParseTree {
  stmts?: { stmt?: Node; stmt_location?: number; stmt_len?: number }[];
}

/** The migration a parse tree of `source` describes. */
export function migrationFromTree(source: string, file: string, tree: ParseTree): ParsedMigration {
  const map = new SourceMap(source);
  const statements: ParsedStatement[] = [];
  for (const raw of tree.stmts ?? []) {
    if (!raw.stmt) continue;
    // Zero-valued fields are omitted from the JSON; a missing length means "to the end of the input".
    const startByte = raw.stmt_location ?? 0;
    const startChar = map.charOffset(startByte);
    const endChar = raw.stmt_len === undefined ? source.length : map.charOffset(startByte + raw.stmt_len);
    const text = source.slice(startChar, endChar).trimEnd();
    statements.push({
      index: statements.length,
      node: raw.stmt,
      kind: Object.keys(raw.stmt)[0]!,
      text,
      start: map.position(startChar),
      end: map.position(startChar + text.length),
    });
  }
  return { file, source, statements, map };
}

/** The error for a file PostgreSQL's parser rejected; `cursor` is the 0-based character offset it points at (not
 *  bytes, unlike statement spans). */
/** The parser reads a C string: a NUL byte would end the migration there, silently dropping what follows. */
export function nulByteError(source: string, file: string): ParseError | undefined {
  const at = source.indexOf('\0');
  return at < 0 ? undefined : parseErrorAt(source, file, 'NUL byte (\\0) in the file: it is not text, or is corrupt; nothing after it would be checked', at);
}

export function parseErrorAt(source: string, file: string, message: string, cursor: number): ParseError {
  const map = new SourceMap(source);
  const position = map.position(Math.max(0, Math.min(source.length, cursor)));
  return new ParseError(file, position, message, map.lineText(position.line));
}
