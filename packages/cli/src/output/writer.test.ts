import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ChunkedWriter } from './writer.js';

function written(pieces: string[], chunk: number): string {
  const path = join(mkdtempSync(join(tmpdir(), 'pgsafe-writer-')), 'out');
  const fd = openSync(path, 'w');
  const out = new ChunkedWriter(fd, chunk);
  for (const p of pieces) out.write(p);
  out.flush();
  closeSync(fd);
  return readFileSync(path, 'utf8');
}

describe('ChunkedWriter', () => {
  it('writes every piece in order, in UTF-8, across chunk boundaries and pieces larger than a chunk', () => {
    const pieces = ['ascii;', 'ünïcödé ', '日本語のコメント', '🚀 emoji pairs 🐘', 'x'.repeat(100), 'é'.repeat(40), '', 'end\n'];
    const all = Array.from({ length: 50 }, (_, i) => pieces[i % pieces.length]!);
    expect(written(all, 64)).toBe(all.join(''));
  });

  it('writes text that fits in one buffer when flushed', () => {
    expect(written(['a', 'b'], 1 << 20)).toBe('ab');
  });
});
