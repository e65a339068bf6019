import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '@pgsafe/testing';
import { rendered, ruleFindings } from '../testing/rule-kit.js';

const ID = 'transaction-nesting';

describe(ID, () => {
  it('warns about BEGIN inside an open transaction', async () => {
    const sql = 'BEGIN;\nSELECT 1;\nBEGIN;\nSELECT 2;\nCOMMIT;';
    expect((await ruleFindings(ID, sql)).map((f) => [f.severity, f.start.line])).toEqual([['warning', 3]]);
    expect(await rendered(ID, sql)).toMatchSnapshot();
  });

  it("in a file the runner wraps: one finding for a BEGIN ... COMMIT pair, at the COMMIT that ends the runner's transaction (issue 22)", async () => {
    const findings = await ruleFindings(ID, 'BEGIN;\nSELECT 1;\nCOMMIT;\nSELECT 2;', { assumeInTransaction: true });
    expect(findings.map((f) => f.start.line)).toEqual([3]);
    // A BEGIN with no COMMIT after it is reported alone.
    expect((await ruleFindings(ID, 'BEGIN;\nSELECT 1;', { assumeInTransaction: true })).map((f) => f.start.line)).toEqual([1]);
  });

  it('accepts one transaction block after another', async () => {
    expect(await ruleFindings(ID, 'BEGIN;\nSELECT 1;\nCOMMIT;\nBEGIN;\nSELECT 2;\nCOMMIT;')).toEqual([]);
  });
});

describe(`${ID} on PostgreSQL`, () => {
  const db = useTestDatabase('nesting');

  it('the inner COMMIT commits the outer work: a later ROLLBACK cannot undo it', async () => {
    const client = await db.current.connect();
    await client.query('CREATE TABLE t (id int)');
    await client.query('BEGIN');
    await client.query('INSERT INTO t VALUES (1)');
    await client.query('BEGIN'); // only a warning
    await client.query('INSERT INTO t VALUES (2)');
    await client.query('COMMIT');
    await client.query('ROLLBACK'); // nothing left to roll back
    expect((await client.query('SELECT count(*)::int AS n FROM t')).rows).toEqual([{ n: 2 }]);
  });
});
