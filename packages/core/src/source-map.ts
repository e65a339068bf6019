/** Maps offsets in a source text to 1-based line/column positions. libpg-query reports statement spans in
 *  UTF-8 bytes and error cursors in characters, so both conversions live here. Columns count UTF-16 code units
 *  (what editors and JS strings use), starting at 1. */
export interface Position {
  /** 1-based line. */
  line: number;
  /** 1-based column, in characters. */
  column: number;
  /** 0-based character (UTF-16) offset into the source. */
  offset: number;
}

export class SourceMap {
  readonly #lineStarts: number[] = [0];
  readonly #byteToChar: Int32Array | null;

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.#lineStarts.push(i + 1);
    // Pure ASCII: bytes and characters coincide, skip the table.
    this.#byteToChar = /^[\x00-\x7f]*$/.test(text) ? null : buildByteToChar(text);
  }

  /** Character offset for a UTF-8 byte offset. */
  charOffset(byteOffset: number): number {
    if (!this.#byteToChar) return byteOffset;
    const i = Math.max(0, Math.min(byteOffset, this.#byteToChar.length - 1));
    return this.#byteToChar[i]!;
  }

  position(charOffset: number): Position {
    const starts = this.#lineStarts;
    const lo = lastAtOrBefore(starts, charOffset);
    return { line: lo + 1, column: charOffset - starts[lo]! + 1, offset: charOffset };
  }

  /** Text of a 1-based line, without its newline. */
  lineText(line: number): string {
    const start = this.#lineStarts[line - 1] ?? this.text.length;
    const next = this.#lineStarts[line];
    return this.text.slice(start, next === undefined ? undefined : next - 1).replace(/\r$/, '');
  }
}

function buildByteToChar(text: string): Int32Array {
  const bytes = Buffer.byteLength(text, 'utf8');
  const map = new Int32Array(bytes + 1);
  let b = 0;
  for (let c = 0; c < text.length; c++) {
    const code = text.codePointAt(c)!;
    const width = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    for (let k = 0; k < width; k++) map[b + k] = c;
    b += width;
    if (code >= 0x10000) c++; // surrogate pair: two UTF-16 units, one code point
  }
  map[bytes] = text.length;
  return map;
}

/** The index of the last of the ascending `starts` that is at or before `at` (0 when none is). */
export function lastAtOrBefore(starts: readonly number[], at: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= at) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
