import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { rules } from './index.js';

describe('rule registry', () => {
  const files = readdirSync(new URL('.', import.meta.url)).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'index.ts');

  it('registers every rule file once, under its file name as id', () => {
    expect(rules.map((r) => `${r.id}.ts`).sort()).toEqual(files.sort());
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
  });

  it('gives every rule a test file beside it', () => {
    const tests = new Set(readdirSync(new URL('.', import.meta.url)).filter((f) => f.endsWith('.test.ts')));
    expect(rules.filter((r) => !tests.has(`${r.id}.test.ts`)).map((r) => r.id)).toEqual([]);
  });

  it('has a one-line summary for each rule', () => {
    for (const rule of rules) expect(rule.summary, rule.id).toMatch(/^[A-Z].{20,150}[.)]$/);
  });
});
