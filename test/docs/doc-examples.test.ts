import { describe, expect, it } from 'vitest';
import { matches } from './doc-examples.js';

describe('matches: how a doc block stands for a command output', () => {
  const out = ['a', 'b', 'c', 'd'];
  it('takes lines as written', () => {
    expect(matches(['a', 'b', 'c', 'd'], out)).toBe(true);
    expect(matches(['a', 'b', 'c'], out)).toBe(false);
    expect(matches(['a', 'x', 'c', 'd'], out)).toBe(false);
  });
  it('takes ... for any lines, none included', () => {
    expect(matches(['...', 'd'], out)).toBe(true);
    expect(matches(['a', '...', 'd'], out)).toBe(true);
    expect(matches(['a', 'b', '...', 'c', 'd'], out)).toBe(true);
    expect(matches(['...', 'c', '...'], out)).toBe(true);
    expect(matches(['...', 'x', '...'], out)).toBe(false);
    expect(matches(['d', '...'], out)).toBe(false);
  });
  it('takes a line ending in … for any line starting with the rest', () => {
    expect(matches(['a', 'b', 'c', 'd'], ['a', 'b', 'c', 'dddd'])).toBe(false);
    expect(matches(['a', 'b', 'c', 'd…'], ['a', 'b', 'c', 'dddd'])).toBe(true);
    expect(matches(['a', 'b', 'c', 'e…'], ['a', 'b', 'c', 'dddd'])).toBe(false);
  });
});
