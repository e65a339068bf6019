import { beforeAll, describe, expect, it } from 'vitest';
import { loadParser, parseMigration } from './parse.js';
import { foldWhitespace, sqlOf } from './ast.js';

beforeAll(loadParser);

describe('sqlOf', () => {
  it('keeps the whitespace inside string literals, quoted identifiers and dollar-quoted text', () => {
    const [stmt] = parseMigration(`ALTER TABLE t ADD COLUMN "my  col" text DEFAULT 'two  spaces\nand a newline' CHECK ("my  col" <> $body$x   y$body$);`, 'm.sql').statements;
    const sql = sqlOf(stmt!.node);
    expect(sql).toContain(`'two  spaces\nand a newline'`);
    expect(sql).toContain('"my  col"');
    expect(sql).toContain("'x   y'");
  });

  it('folds whitespace between tokens to one space', () => {
    expect(foldWhitespace(`SELECT  1,\n\t'a  b' ,  $$ c  d $$ , "x  y"  `)).toBe(`SELECT 1, 'a  b' , $$ c  d $$ , "x  y"`);
    expect(foldWhitespace(`SELECT 'it''s  here'  FROM   t`)).toBe(`SELECT 'it''s  here' FROM t`);
  });
});
