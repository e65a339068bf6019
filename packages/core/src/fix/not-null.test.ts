/** The NOT NULL recipes on real PostgreSQL over rows that are NULL: the original fails and changes nothing; the fixed
 *  form fails at its validation and leaves its NOT VALID check, which refuses new NULLs. What the fixed file and its
 *  error say about that is checked against what the database then shows. */
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '@pgsafe/testing';
import { tableRefOf } from '../ast.js';
import { loadParser, parseMigration } from '../parse.js';
import { plan } from '../plan/plan.js';
import { execute } from '../execute/execute.js';
import { fix } from './fix.js';
import { validateNotNull } from './not-null.js';
import { renderRunFiles } from './render.js';

const db = useTestDatabase('fix_not_null', { each: true });
beforeAll(() => loadParser());

const ORDERS = `CREATE TABLE orders (id bigint PRIMARY KEY, note text); INSERT INTO orders SELECT i, CASE WHEN i % 100 <> 0 THEN 'n' END FROM generate_series(1, 2000) i`;

describe('NOT NULL over NULL rows', () => {
  it('SET NOT NULL: the fixed file says above its validation what a failure leaves, and it is so', async () => {
    await db.current.query(ORDERS);
    const [file] = renderRunFiles(fix(parseMigration('ALTER TABLE orders ALTER COLUMN note SET NOT NULL;', 'm.sql'), { pgVersion: 15 }));
    expect(file!.sql).toContain(
      '-- If rows where note IS NULL remain, this fails and the CHECK orders_note_not_null_chk stays, NOT VALID: it refuses new NULLs.\n-- Fill those rows and run again, or remove it: ALTER TABLE orders DROP CONSTRAINT orders_note_not_null_chk;\nALTER TABLE orders VALIDATE CONSTRAINT orders_note_not_null_chk;',
    );
    const result = await execute(plan(parseMigration(file!.sql, file!.path), { pgVersion: 15 }), { connectionString: db.current.url });
    expect(result.status).toBe('failed');
    expect(result.error?.message).toMatch(/orders_note_not_null_chk.*violated by some row/);
    await expect(db.current.query(`INSERT INTO orders VALUES (5000, NULL)`)).rejects.toThrow(/orders_note_not_null_chk/);
    await db.current.query('ALTER TABLE orders DROP CONSTRAINT orders_note_not_null_chk');
    await db.current.query(`INSERT INTO orders VALUES (5000, NULL)`);
  });

  it("a new column's validation (rename, type change) fails with an error that says the same, and is planned as a validation", async () => {
    await db.current.query(ORDERS);
    await db.current.query('ALTER TABLE orders ADD CONSTRAINT orders_note_chk CHECK (note IS NOT NULL) NOT VALID');
    const table = tableRefOf(undefined, 'orders');
    const steps = plan(parseMigration(validateNotNull(table, 'note', 'orders_note_chk', 'true'), 'v.sql'), { pgVersion: 15 });
    // A transaction of its own and no statement_timeout, as a plain VALIDATE gets.
    expect(steps.steps.map((s) => [s.kind, s.statementTimeoutMs])).toEqual([['validate-constraint', 0]]);
    const result = await execute(steps, { connectionString: db.current.url });
    expect(result.status).toBe('failed');
    expect(result.error?.message).toBe(
      'pgsafe fix: orders has rows where note IS NULL: NOT NULL cannot be set. The CHECK orders_note_chk (NOT VALID), committed by the step before, stays and refuses new NULLs: fill those rows and run again, or remove it (ALTER TABLE orders DROP CONSTRAINT orders_note_chk)',
    );
    await expect(db.current.query(`INSERT INTO orders VALUES (5000, NULL)`)).rejects.toThrow(/orders_note_chk/);
  });
});
