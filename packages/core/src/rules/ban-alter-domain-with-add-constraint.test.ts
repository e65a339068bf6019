import { describe, expect, it } from 'vitest';
import { seedRows, useTestDatabase } from '@pgsafe/testing';
import { rendered, ruleFindings } from '../testing/rule-kit.js';
import { appWaitWhileHeld, recipeStatements } from '../testing/e2e.js';

const ID = 'ban-alter-domain-with-add-constraint';
const SQL = 'ALTER DOMAIN price ADD CONSTRAINT price_positive CHECK (VALUE > 0);';

describe(ID, () => {
  it('flags a validated domain constraint', async () => {
    const [finding] = await ruleFindings(ID, SQL);
    expect(finding!.recipe.sql.split('\n')[1]).toBe('ALTER TABLE <table> ADD CONSTRAINT <table>_<column>_check CHECK (<column> > 0) NOT VALID;');
    expect(await rendered(ID, SQL)).toMatchSnapshot();
  });

  it('accepts NOT VALID', async () => {
    expect(await ruleFindings(ID, 'ALTER DOMAIN price ADD CONSTRAINT price_positive CHECK (VALUE > 0) NOT VALID;')).toEqual([]);
  });
});

describe(`${ID} on PostgreSQL`, () => {
  const db = useTestDatabase('domain');

  it('the domain constraint blocks writes to tables using it, even validated separately; a table CHECK does not', async () => {
    await db.current.query('CREATE DOMAIN price AS int');
    await db.current.query('CREATE TABLE products (id bigint PRIMARY KEY, cost price)');
    await seedRows(db.current, 'products', 5000, { id: 'i', cost: 'i' });
    const blocked = await appWaitWhileHeld(db.current, [SQL], 'INSERT INTO products VALUES (9001, 5)', 400);
    expect(blocked.ms).toBeGreaterThanOrEqual(350);
    await db.current.query(SQL.replace(';', ' NOT VALID;'));
    const domainValidate = await appWaitWhileHeld(db.current, ['ALTER DOMAIN price VALIDATE CONSTRAINT price_positive'], 'INSERT INTO products VALUES (9002, 5)', 400);
    expect(domainValidate.ms).toBeGreaterThanOrEqual(350);
    const [finding] = await ruleFindings(ID, SQL);
    const [add, validate] = (await recipeStatements(finding!, { '<table>': 'products', '<column>': 'cost' }));
    await db.current.query(add!);
    const during = await appWaitWhileHeld(db.current, [validate!], 'INSERT INTO products VALUES (9003, 5)', 400, 'commit');
    expect(during.ms).toBeLessThan(200);
  });
});
