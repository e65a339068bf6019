import { describe, expect, it, beforeAll } from 'vitest';
import { loadParser, parseMigration, ParseError } from './parse.js';

beforeAll(() => loadParser());

describe('parseMigration', () => {
  it('gives each statement its exact line and column, counting characters not UTF-8 bytes', () => {
    const sql = [
      '-- Ajoute la colonne « pays » (données clients) 🚀',
      'ALTER TABLE "usérs" ADD COLUMN país text;  /* naïve */ CREATE INDEX idx ON "usérs" (país);',
      '',
      '  UPDATE "usérs" SET país = \'España\'',
    ].join('\n');
    const { statements } = parseMigration(sql, 'm.sql');
    expect(statements.map((s) => [s.kind, s.start.line, s.start.column, s.end.line, s.end.column])).toEqual([
      ['AlterTableStmt', 2, 1, 2, 41],
      ['IndexStmt', 2, 56, 2, 90],
      ['UpdateStmt', 4, 3, 4, 37],
    ]);
    expect(statements.map((s) => s.text)).toEqual([
      'ALTER TABLE "usérs" ADD COLUMN país text',
      'CREATE INDEX idx ON "usérs" (país)',
      'UPDATE "usérs" SET país = \'España\'',
    ]);
    expect(sql.slice(statements[1]!.start.offset, statements[1]!.end.offset)).toBe(statements[1]!.text);
  });

  it('reports a syntax error with the line and column of the offending token', () => {
    const sql = 'SELECT 1;\n-- café\nALTER TABLE "é" ADDD COLUMN x int;';
    let error: unknown;
    try {
      parseMigration(sql, 'bad.sql');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ParseError);
    const e = error as ParseError;
    expect([e.position.line, e.position.column]).toEqual([3, 17]);
    expect(e.message).toBe('bad.sql:3:17: syntax error at or near "ADDD"');
    expect(e.lineText).toBe('ALTER TABLE "é" ADDD COLUMN x int;');
  });

  it('points at the end of the input when the file stops mid-statement', () => {
    expect(() => parseMigration('CREATE TABLE t (\n  id int,', 'cut.sql')).toThrow(/cut\.sql:2:10: syntax error at end of input/);
  });

  it('treats empty and comment-only files as having no statements', () => {
    expect(parseMigration('', 'a.sql').statements).toEqual([]);
    expect(parseMigration('  \n', 'a.sql').statements).toEqual([]);
    expect(parseMigration('-- nothing here\n/* still nothing */', 'a.sql').statements).toEqual([]);
  });

  it('keeps a last statement that has no semicolon', () => {
    const { statements } = parseMigration('SELECT 1;\nSELECT 2', 'a.sql');
    expect(statements.map((s) => s.text)).toEqual(['SELECT 1', 'SELECT 2']);
  });
});
