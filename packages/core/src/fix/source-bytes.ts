/** A migration's bytes as text and back, keeping bytes that are not UTF-8 (a LATIN1 database's `'café'` written as
 *  0xE9): `fix --write` must give back every byte it did not rewrite, not U+FFFD in their place.
 *
 *  Each byte outside a well-formed UTF-8 sequence becomes the lone low surrogate U+DC00 + byte (U+DC80..U+DCFF, as
 *  Python's `surrogateescape`). Well-formed UTF-8 never decodes to a surrogate, so the escape cannot collide with the
 *  file's own text, and a lone surrogate counts 3 UTF-8 bytes for the parser and the source map alike, so positions
 *  stay right. The fix copies the kept text verbatim, escapes included; encoding turns them back into their bytes. */

const ESCAPE = 0xdc00;
const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The file's text; bytes that are not UTF-8 become escapes that `encodeSourceBytes` turns back into them. */
export function decodeSourceBytes(bytes: Uint8Array): string {
  try {
    return strict.decode(bytes); // the usual case: all UTF-8, decoded as readFileSync(file, 'utf8') would
  } catch {
    return decodeEscaping(bytes);
  }
}

/** The bytes to write: UTF-8, with each escape of `decodeSourceBytes` back as its original byte. */
export function encodeSourceBytes(text: string): Buffer {
  if (!/[\udc80-\udcff]/.test(text)) return Buffer.from(text, 'utf8');
  const parts: Buffer[] = [];
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0xdc80 || code > 0xdcff || isHighSurrogate(text.charCodeAt(i - 1))) continue;
    parts.push(Buffer.from(text.slice(from, i), 'utf8'), Buffer.of(code - ESCAPE));
    from = i + 1;
  }
  parts.push(Buffer.from(text.slice(from), 'utf8'));
  return Buffer.concat(parts);
}

function decodeEscaping(bytes: Uint8Array): string {
  let text = '';
  let from = 0;
  for (let i = 0; i < bytes.length; ) {
    const length = sequenceLength(bytes, i);
    if (length) {
      i += length;
      continue;
    }
    text += strict.decode(bytes.subarray(from, i)) + String.fromCharCode(ESCAPE + bytes[i]!);
    from = ++i;
  }
  return text + strict.decode(bytes.subarray(from));
}

/** Bytes of the well-formed UTF-8 sequence at `i` (Unicode Table 3-7: no overlong forms, surrogates or code points
 *  above U+10FFFF), or 0 when the byte at `i` does not start one. */
function sequenceLength(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i]!;
  if (b0 < 0x80) return 1;
  const tail = (k: number, lo = 0x80, hi = 0xbf): boolean => bytes[i + k] !== undefined && bytes[i + k]! >= lo && bytes[i + k]! <= hi;
  if (b0 >= 0xc2 && b0 <= 0xdf) return tail(1) ? 2 : 0;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const [lo, hi] = b0 === 0xe0 ? [0xa0, 0xbf] : b0 === 0xed ? [0x80, 0x9f] : [0x80, 0xbf];
    return tail(1, lo, hi) && tail(2) ? 3 : 0;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const [lo, hi] = b0 === 0xf0 ? [0x90, 0xbf] : b0 === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
    return tail(1, lo, hi) && tail(2) && tail(3) ? 4 : 0;
  }
  return 0;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
