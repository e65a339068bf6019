import { beforeAll, describe, expect, it } from 'vitest';
import { loadParser, parseMigration } from './parse.js';
import { alterParts, onlyComments, openingEnd, tokens } from './tokens.js';

beforeAll(() => loadParser());

// What `prisma migrate dev` writes above a migration that loses data: a block comment with blank lines inside.
const WARNINGS = '/*\n  Warnings:\n\n  - You are about to drop the column `a` on the `t` table. All the data in the column will be lost.\n\n*/\n';

describe('openingEnd', () => {
  it("keeps Prisma's Warnings comment whole, never cutting at a blank line inside it", () => {
    const source = `${WARNINGS}-- AlterTable\nALTER TABLE "t" DROP COLUMN "a";\n`;
    const end = openingEnd(source, source.indexOf('ALTER'));
    expect(source.slice(0, end)).toBe(WARNINGS.slice(0, -1));
  });

  it('cuts at the last blank line outside a comment, and not at all without comments', () => {
    const source = '-- title\n/* a\n\n b */\n\n-- AddColumn\nALTER TABLE t ADD COLUMN c int;';
    expect(source.slice(0, openingEnd(source, source.indexOf('ALTER')))).toBe('-- title\n/* a\n\n b */\n\n');
    expect(openingEnd('\n\nSELECT 1;', 2)).toBe(0);
  });
});

describe('tokens', () => {
  it('sees comments and literals as PostgreSQL does, in character offsets', () => {
    const list = tokens("SELECT 'é -- not a comment' /* é */ -- é\n;")!;
    expect(list.map((t) => [t.text, t.comment])).toEqual([
      ['SELECT', false],
      ["'é -- not a comment'", false],
      ['/* é */', true],
      ['-- é', true],
      [';', false],
    ]);
    expect(onlyComments('-- a\n/* b */\n')).toBe(true);
    expect(onlyComments("-- a\nSELECT '--'")).toBe(false);
  });
});

describe('alterParts', () => {
  it('cuts an ALTER TABLE at its top-level commas, each subcommand as written', () => {
    const m = parseMigration('SELECT 1;\nALTER TABLE ONLY "s"."t, u" DROP COLUMN "a,b",\n  -- why\n  ADD COLUMN c numeric(10, 2) DEFAULT f(1, 2) NOT NULL, ADD CONSTRAINT k CHECK (c IN (1, 2));');
    const cut = alterParts(m, m.statements[1]!)!;
    expect(cut.head).toBe('ALTER TABLE ONLY "s"."t, u"');
    expect(cut.parts.map((p) => p.text)).toEqual(['DROP COLUMN "a,b"', '-- why\n  ADD COLUMN c numeric(10, 2) DEFAULT f(1, 2) NOT NULL', 'ADD CONSTRAINT k CHECK (c IN (1, 2))']);
    for (const p of cut.parts) expect(m.source.slice(p.start, p.end)).toBe(p.text);
  });

  it('is undefined for a statement that is no ALTER TABLE', () => {
    const m = parseMigration('CREATE TABLE t (a int, b int);');
    expect(alterParts(m, m.statements[0]!)).toBeUndefined();
  });
});
