import { beforeAll, describe, expect, it } from 'vitest';
import { as } from './ast.js';
import { loadParser, parseMigration } from './parse.js';
import { keyBounded } from './key-bounded.js';

beforeAll(() => loadParser());

const where = (condition: string) => as(parseMigration(`UPDATE users SET country = 'FR' WHERE ${condition}`).statements[0]!.node, 'UpdateStmt')!.whereClause;

describe('keyBounded', () => {
  it('a range or a short list of the key is a batch, alone or ANDed with other conditions', () => {
    for (const c of ['id < 1000', '1000 >= id', 'id BETWEEN $1 AND $2', 'id = 42', "id = '42'::bigint", 'id IN (1, 2, 3)', 'id = ANY($1)', "id = ANY(ARRAY[1, 2])", 'id IN (SELECT id FROM users WHERE country IS NULL LIMIT 500)', 'country IS NULL AND id >= 10 AND id < 20', 'id < 10 OR id > 1000000']) {
      expect(keyBounded(where(c), 'id'), c).toBe(true);
    }
  });

  it('a condition on another column, a subquery without LIMIT, or an OR with an unbounded side is not', () => {
    for (const c of ['country IS NULL', "name LIKE 'a%'", 'id IS NOT NULL', 'id IN (SELECT id FROM users)', 'id < 10 OR country IS NULL', 'NOT (id < 10)', 'user_id < 1000', 'id < other_id']) {
      expect(keyBounded(where(c), 'id'), c).toBe(false);
    }
    expect(keyBounded(undefined, 'id')).toBe(false);
    // The key is the table's own: report_id for a table keyed on it.
    expect(keyBounded(where('report_id < 1000'), 'report_id')).toBe(true);
  });
});
