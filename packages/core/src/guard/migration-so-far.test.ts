import { beforeAll, describe, expect, it } from 'vitest';
import { loadParser, parseMigration, ParseError } from '../parse.js';
import { MigrationSoFar } from './migration-so-far.js';

beforeAll(() => loadParser());

const chunks = [
  "CREATE TABLE orders (id bigint PRIMARY KEY, note text DEFAULT 'é')",
  '-- a comment\nALTER TABLE orders ADD COLUMN total int; CREATE INDEX orders_total_idx ON orders (total)',
  "COMMENT ON TABLE orders IS 'ünïcode ✓'",
  'ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total > 0)',
];

describe('MigrationSoFar', () => {
  it('appending chunk by chunk gives what parsing the whole text gives: statements, positions, AST locations, lines', () => {
    const sofar = new MigrationSoFar('m (SQL sent)');
    for (const chunk of chunks) sofar.commit(sofar.append(chunk));
    const whole = parseMigration(chunks.map((c) => `${c}\n;\n`).join(''), 'm (SQL sent)');
    const got = sofar.migration;
    expect(got.source).toBe(whole.source);
    expect(got.statements.map((s) => [s.index, s.kind, s.text, s.start, s.end])).toEqual(whole.statements.map((s) => [s.index, s.kind, s.text, s.start, s.end]));
    expect(JSON.stringify(got.statements.map((s) => s.node))).toBe(JSON.stringify(whole.statements.map((s) => s.node)));
    // Every byte offset of the text maps to the same character and position.
    const bytes = Buffer.byteLength(whole.source);
    for (let b = 0; b < bytes; b++) expect(got.map.charOffset(b)).toBe(whole.map.charOffset(b));
    for (let c = 0; c < whole.source.length; c++) expect(got.map.position(c)).toEqual(whole.map.position(c));
    for (let line = 1; line <= whole.source.split('\n').length; line++) expect(got.map.lineText(line)).toBe(whole.map.lineText(line));
  });

  it('a chunk that does not parse: the error points into the whole text, and nothing is kept', () => {
    const sofar = new MigrationSoFar('m');
    sofar.commit(sofar.append(chunks[0]!));
    const error = (() => {
      try {
        sofar.append('ALTER TABLE orders ADD COLUM x int');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ParseError);
    expect((error as ParseError).position.line).toBe(3);
    expect((error as ParseError).lineText).toBe('ALTER TABLE orders ADD COLUM x int');
    expect(sofar.migration.statements).toHaveLength(1);
  });
});
