import { describe, expect, it } from 'vitest';
import { decodeSourceBytes, encodeSourceBytes } from './source-bytes.js';

const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

describe('a migration’s bytes as text and back', () => {
  it('decodes UTF-8 as readFileSync(file, "utf8") does, byte order mark included', () => {
    const utf8 = bytes([0xef, 0xbb, 0xbf], "INSERT INTO t VALUES ('café 😀 ✓');\n");
    expect(decodeSourceBytes(utf8)).toBe(utf8.toString('utf8'));
    expect(encodeSourceBytes(decodeSourceBytes(utf8)).equals(utf8)).toBe(true);
  });

  it('gives back every byte that is not UTF-8: Latin-1, overlong forms, encoded surrogates, cut sequences', () => {
    for (const input of [
      bytes("INSERT INTO t VALUES ('caf", [0xe9], "');\n"), // Latin-1 é
      bytes('a', [0xc0, 0x80], 'b'), // overlong NUL
      bytes('a', [0xed, 0xa0, 0x80], 'b'), // an encoded surrogate
      bytes('a', [0xf4, 0x90, 0x80, 0x80]), // above U+10FFFF
      bytes('😀', [0xf0, 0x9f, 0x98]), // a sequence cut at the end of the file
      bytes([0xf0, 0x90, 0x82, 0x80], [0x80]), // U+10080 (its low surrogate is in the escapes' range), then a stray byte
      bytes([0xff, 0xfe, 0x80, 0xbf]),
    ]) {
      const text = decodeSourceBytes(input);
      expect(text).not.toContain('\ufffd');
      expect(encodeSourceBytes(text).equals(input), input.toString('hex')).toBe(true);
    }
  });

  it('round-trips any bytes, and keeps text edited around the escapes', () => {
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) >> 8;
    for (let n = 0; n < 500; n++) {
      const input = Buffer.from(Array.from({ length: next() % 40 }, () => next() % 256));
      expect(encodeSourceBytes(decodeSourceBytes(input)).equals(input), input.toString('hex')).toBe(true);
    }
    const text = decodeSourceBytes(bytes("VALUES ('caf", [0xe9], "')"));
    expect(encodeSourceBytes(`SET lock_timeout = '2s'; -- ✓\n${text};`).equals(bytes("SET lock_timeout = '2s'; -- ✓\nVALUES ('caf", [0xe9], "');"))).toBe(true);
  });
});
