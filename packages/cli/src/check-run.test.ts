import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ParserThread, type Finding } from '@pgsafe/core';
import { afterAll, describe, expect, it } from 'vitest';
import { checkInputs, exitCode } from './check-run.js';

const dir = mkdtempSync(join(tmpdir(), 'pgsafe-check-run-'));
const parser = new ParserThread();
afterAll(() => parser.close());

describe('checkInputs', () => {
  it('records an unreadable and an unparseable file as errors, and still checks the others', async () => {
    const good = join(dir, 'good.sql');
    writeFileSync(good, 'ALTER TABLE users ADD COLUMN country text NOT NULL;\n');
    const bad = join(dir, 'bad.sql');
    writeFileSync(bad, '-- données\nALTER TABLE "usérs" ADDD COLUMN x int;\n');
    const gone = join(dir, 'gone.sql');
    const found: Finding[] = [];
    const summary = await checkInputs(parser, [{ file: gone }, { file: bad }, { file: good }, { file: 'given.sql', source: 'SELECT 1;' }], {}, (f) => found.push(f));

    expect(summary.files).toEqual([
      { file: gone, statements: 0 },
      { file: bad, statements: 0 },
      { file: good, statements: 1 },
      { file: 'given.sql', statements: 1 },
    ]);
    expect(summary.errors).toEqual([
      { file: gone, message: expect.stringMatching(/ENOENT/) },
      { file: bad, line: 2, column: 21, message: 'syntax error at or near "ADDD"', lineText: 'ALTER TABLE "usérs" ADDD COLUMN x int;' },
    ]);
    expect(found.map((f) => f.rule)).toContain('adding-required-field');
    expect(summary.errorCount).toBe(found.filter((f) => f.severity === 'error').length);
    expect(summary.warningCount).toBe(found.length - summary.errorCount);
    expect(exitCode(summary)).toBe(2);
  });
});
