/**
 * The SQL a migration has sent so far, parsed once: each new chunk is parsed alone and appended (its statements
 * re-indexed, its AST locations shifted to the byte where the chunk starts), so that a statement costs the same
 * whether it is the 1st or the 3,000th of its migration. The result is what parsing the whole text would give.
 */
import { parseMigration, ParseError, type ParsedMigration } from '../parse.js';
import { lastAtOrBefore, SourceMap, type Position } from '../source-map.js';

export class MigrationSoFar {
  #migration: ParsedMigration;
  #bytes = 0;
  /** UTF-8 length of each appended migration's text, for `commit` (measuring the whole text again costs its length). */
  readonly #lengths = new WeakMap<ParsedMigration, number>();

  constructor(readonly file: string) {
    this.#migration = { file, source: '', statements: [], map: new SourceMap('') };
  }

  get migration(): ParsedMigration {
    return this.#migration;
  }

  /** The migration with `chunk` appended (not kept until `commit`); throws ParseError with the chunk's position in
   *  the whole text. Each chunk ends with `\n;\n`, so a line comment cannot swallow the separator. */
  append(sql: string): ParsedMigration {
    const chunk = `${sql.trimEnd()}\n;\n`;
    const before = this.#migration;
    const source = before.source + chunk;
    const map = SegmentedMap.after(before.map, chunk, before.source.length, this.#bytes);
    let parsed: ParsedMigration;
    try {
      parsed = parseMigration(chunk, this.file);
    } catch (error) {
      if (!(error instanceof ParseError)) throw error;
      const at = map.position(before.source.length + error.position.offset);
      throw new ParseError(this.file, at, error.reason, error.lineText);
    }
    const base = before.statements.length;
    const startChar = before.source.length;
    const added = parsed.statements.map((s) => {
      shiftLocations(s.node, this.#bytes);
      return { ...s, index: base + s.index, start: map.position(startChar + s.start.offset), end: map.position(startChar + s.end.offset) };
    });
    const mentionsIgnore = (before.mentionsIgnore ?? false) || chunk.includes('pgsafe-ignore');
    const migration = { file: this.file, source, statements: [...before.statements, ...added], map, mentionsIgnore };
    this.#lengths.set(migration, this.#bytes + Buffer.byteLength(chunk, 'utf8'));
    return migration;
  }

  /** Keeps `migration` (from `append`) as the migration so far. */
  commit(migration: ParsedMigration): void {
    this.#bytes = this.#lengths.get(migration) ?? Buffer.byteLength(migration.source, 'utf8');
    this.#migration = migration;
  }
}

/** Adds `by` to every `location` in the AST (UTF-8 byte offsets into the text parsed). */
function shiftLocations(node: unknown, by: number): void {
  if (by === 0 || node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const item of node) shiftLocations(item, by);
    return;
  }
  const o = node as Record<string, unknown>;
  for (const key in o) {
    const v = o[key];
    if (key === 'location' && typeof v === 'number' && v >= 0) o[key] = v + by;
    else if (typeof v === 'object') shiftLocations(v, by);
  }
}

/** A SourceMap of a text built chunk by chunk, each chunk starting a line: one small map per chunk, found by binary
 *  search, so that appending costs the chunk, not the whole text. */
class SegmentedMap extends SourceMap {
  constructor(
    private readonly maps: SourceMap[],
    private readonly chars: number[],
    private readonly bytes: number[],
    private readonly lines: number[],
  ) {
    super('');
  }

  /** `previous` (of the text so far) with `chunk` appended at `startChar` / `startByte`. */
  static after(previous: SourceMap, chunk: string, startChar: number, startByte: number): SegmentedMap {
    const prev = previous instanceof SegmentedMap ? previous : new SegmentedMap([], [], [], []);
    // The previous chunk's last line (empty: it ends with a newline) is this chunk's first.
    const line = prev.maps.length ? prev.lines.at(-1)! + lineCount(prev.maps.at(-1)!) - 1 : 1;
    return new SegmentedMap([...prev.maps, new SourceMap(chunk)], [...prev.chars, startChar], [...prev.bytes, startByte], [...prev.lines, line]);
  }

  override charOffset(byteOffset: number): number {
    const i = lastAtOrBefore(this.bytes, byteOffset);
    return this.chars[i]! + this.maps[i]!.charOffset(byteOffset - this.bytes[i]!);
  }

  override position(charOffset: number): Position {
    const i = lastAtOrBefore(this.chars, charOffset);
    const p = this.maps[i]!.position(charOffset - this.chars[i]!);
    return { line: this.lines[i]! + p.line - 1, column: p.column, offset: charOffset };
  }

  override lineText(line: number): string {
    const i = lastAtOrBefore(this.lines, line);
    return this.maps[i]!.lineText(line - this.lines[i]! + 1);
  }
}


/** Lines of a map's text: a chunk ends with a newline, so its last line is the empty start of the next chunk. */
function lineCount(map: SourceMap): number {
  return map.position(map.text.length).line;
}
