import { describe, expect, it } from 'vitest';
import { seedRows, useTestDatabase } from '@pgsafe/testing';
import { rendered, ruleFindings } from '../testing/rule-kit.js';
import { appWaitWhileHeld } from '../testing/e2e.js';

const ID = 'validate-constraint-in-same-transaction';
const ADD = 'ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total_cents >= 0) NOT VALID;';
const VALIDATE = 'ALTER TABLE orders VALIDATE CONSTRAINT orders_total_positive;';

describe(ID, () => {
  it('flags VALIDATE in the same explicit transaction as the NOT VALID add', async () => {
    const sql = `BEGIN;\n${ADD}\n${VALIDATE}\nCOMMIT;`;
    const findings = await ruleFindings(ID, sql);
    expect(findings.map((f) => [f.severity, f.start.line])).toEqual([['error', 3]]);
    expect(await rendered(ID, sql)).toMatchSnapshot();
  });

  it('flags it when the runner wraps the file in a transaction', async () => {
    expect(await ruleFindings(ID, `${ADD}\n${VALIDATE}`, { assumeInTransaction: true })).toHaveLength(1);
  });

  it('accepts separate transactions, autocommit, and other constraints', async () => {
    expect(await ruleFindings(ID, `${ADD}\n${VALIDATE}`)).toEqual([]);
    expect(await ruleFindings(ID, `BEGIN;\n${ADD}\nCOMMIT;\nBEGIN;\n${VALIDATE}\nCOMMIT;`)).toEqual([]);
    expect(await ruleFindings(ID, `BEGIN;\n${ADD}\nALTER TABLE orders VALIDATE CONSTRAINT other;\nCOMMIT;`)).toEqual([]);
  });
});

describe(`${ID} on PostgreSQL`, () => {
  const db = useTestDatabase('validate_same_tx');

  it('validating in the same transaction keeps reads blocked; in its own transaction it does not', async () => {
    await db.current.query('CREATE TABLE orders (id bigint PRIMARY KEY, total_cents int)');
    await seedRows(db.current, 'orders', 2000, { id: 'i', total_cents: 'i' });
    const same = await appWaitWhileHeld(db.current, [ADD, VALIDATE], 'SELECT count(*) FROM orders', 400);
    expect(same.ms).toBeGreaterThanOrEqual(350);
    await db.current.query(ADD);
    const separate = await appWaitWhileHeld(db.current, [VALIDATE], 'SELECT count(*) FROM orders', 400);
    expect(separate.ms).toBeLessThan(200);
  });
});
