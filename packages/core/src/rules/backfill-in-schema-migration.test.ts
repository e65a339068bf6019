import { describe, expect, it } from 'vitest';
import { seedRows, useTestDatabase } from '@pgsafe/testing';
import { rendered, ruleFindings } from '../testing/rule-kit.js';
import { appWaitWhileHeld } from '../testing/e2e.js';

const ID = 'backfill-in-schema-migration';
const DDL = 'ALTER TABLE users ADD COLUMN country text;';
const BACKFILL = "UPDATE users SET country = 'FR';";

describe(ID, () => {
  it('flags a whole-table UPDATE after DDL in the same transaction', async () => {
    const sql = `BEGIN;\n${DDL}\n${BACKFILL}\nCOMMIT;`;
    const findings = await ruleFindings(ID, sql);
    expect(findings.map((f) => [f.severity, f.start.line])).toEqual([['error', 3]]);
    expect(await rendered(ID, sql)).toMatchSnapshot();
  });

  it('flags it before the DDL too, and when the runner wraps the file', async () => {
    const findings = await ruleFindings(ID, `${BACKFILL}\n${DDL}`, { assumeInTransaction: true });
    expect(findings).toHaveLength(1);
    expect(findings[0]!.message).toContain('later DDL');
    expect(await ruleFindings(ID, `BEGIN;\n${DDL}\nDELETE FROM users;\nCOMMIT;`)).toHaveLength(1);
  });

  it('accepts batched or separate backfills, and new tables', async () => {
    expect(await ruleFindings(ID, `${DDL}\n${BACKFILL}`)).toEqual([]);
    expect(await ruleFindings(ID, `BEGIN;\n${DDL}\nUPDATE users SET country = 'FR' WHERE id < 1000;\nCOMMIT;`)).toEqual([]);
    expect(await ruleFindings(ID, `BEGIN;\nCREATE TABLE users (id int, country text);\n${BACKFILL}\nCOMMIT;`)).toEqual([]);
  });
});

describe(`${ID} on PostgreSQL`, () => {
  const db = useTestDatabase('backfill');

  it('reads wait for the whole backfill when it shares the DDL transaction, not when it runs on its own', async () => {
    await db.current.query('CREATE TABLE users (id bigint PRIMARY KEY, name text)');
    await seedRows(db.current, 'users', 20000, { id: 'i', name: "'u' || i" });
    // The transaction is held open after the backfill, standing for a backfill that takes that long on a big table.
    const together = await appWaitWhileHeld(db.current, [DDL, BACKFILL], 'SELECT count(*) FROM users', 400);
    expect(together.ms).toBeGreaterThanOrEqual(350);

    await db.current.query(DDL);
    const alone = await appWaitWhileHeld(db.current, [BACKFILL], 'SELECT count(*) FROM users', 400);
    expect(alone.error).toBeUndefined();
    expect(alone.ms).toBeLessThan(200);
  });
});
