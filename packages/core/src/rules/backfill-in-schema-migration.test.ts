import { beforeAll, describe, expect, it } from 'vitest';
import { seedRows, steadyQueries, timed, useTestDatabase, waitUntilWaitingOnLock } from '@pgsafe/testing';
import { rendered, ruleFindings } from '../testing/rule-kit.js';
import { recipeStatements, runAll } from '../testing/e2e.js';

const ID = 'backfill-in-schema-migration';
const DDL = 'ALTER TABLE users ADD COLUMN country text;';
const BACKFILL = "UPDATE users SET country = 'FR';";
const NOT_NULL = 'ALTER TABLE users ALTER COLUMN country SET NOT NULL;';

describe(ID, () => {
  it('flags a whole-table UPDATE after DDL in the same transaction, with the DDL before and after it split around a batched loop', async () => {
    const sql = `BEGIN;\n${DDL}\n${BACKFILL}\n${NOT_NULL}\nCOMMIT;`;
    const findings = await ruleFindings(ID, sql);
    expect(findings.map((f) => [f.severity, f.start.line])).toEqual([['error', 3]]);
    expect(findings[0]!.recipe.sql).toContain(`UPDATE users SET country = 'FR' WHERE id >= batch_start AND (id < next_start OR next_start IS NULL);`);
    expect(await rendered(ID, sql)).toMatchSnapshot();
  });

  it('flags it before the DDL too, and when the runner wraps the file', async () => {
    const sql = `UPDATE users SET name = trim(name);\nALTER TABLE users ADD CONSTRAINT users_name_trimmed CHECK (name = trim(name));`;
    const findings = await ruleFindings(ID, sql, { assumeInTransaction: true });
    expect(findings).toHaveLength(1);
    expect(findings[0]!.message).toContain('later DDL');
    expect(await rendered(ID, sql, { assumeInTransaction: true })).toMatchSnapshot();
  });

  it('flags a whole-table DELETE; the batched form drops RETURNING', async () => {
    const findings = await ruleFindings(ID, `BEGIN;\n${DDL}\nDELETE FROM users WHERE banned RETURNING id;\nDELETE FROM sessions RETURNING id;\nCOMMIT;`);
    // WHERE banned bounds nothing by the key: it can match every row too.
    expect(findings.map((f) => f.message.split(' runs ')[0])).toEqual(['DELETE of the rows of users its WHERE matches (not bounded by a range or list of the key id: it can match every row)', 'DELETE of every row of sessions']);
    expect(findings[1]!.recipe.sql).toContain('    DELETE FROM sessions WHERE id >= batch_start AND (id < next_start OR next_start IS NULL);\n');
    expect(findings[0]!.recipe.sql).toContain('    DELETE FROM users WHERE (banned) AND id >= batch_start');
    expect(findings.map((f) => f.recipe.sql).join('\n')).not.toContain('RETURNING');
  });

  it("keeps the user's literals exactly", async () => {
    const [finding] = await ruleFindings(ID, `BEGIN;\n${DDL}\nUPDATE users SET country = 'two  spaces';\nCOMMIT;`);
    expect(finding!.recipe.sql).toContain(`SET country = 'two  spaces' WHERE`);
  });

  it('flags a WHERE that does not bound the rows by the key: `col IS NULL` on a column just added matches every row', async () => {
    const findings = await ruleFindings(ID, `BEGIN;\n${DDL}\nUPDATE users SET country = 'FR' WHERE country IS NULL;\nCOMMIT;`);
    expect(findings.map((f) => f.message)).toEqual([expect.stringContaining('UPDATE of the rows of users its WHERE matches (not bounded by a range or list of the key id')]);
    // The batched recipe keeps the condition in each batch and starts where it still holds.
    expect(findings[0]!.recipe.sql).toContain("WHERE (country IS NULL) AND id >= batch_start");
    expect(findings[0]!.recipe.sql).toContain('FROM users WHERE country IS NULL ORDER BY id LIMIT 1');
  });

  it('accepts batched or separate backfills, new tables, and DDL that lets traffic through', async () => {
    for (const where of ['id BETWEEN 1 AND 1000', 'id IN (1, 2, 3)', 'id = ANY($1)', 'id IN (SELECT id FROM users WHERE country IS NULL LIMIT 1000)', "country IS NULL AND id < 5000"]) {
      expect(await ruleFindings(ID, `BEGIN;\n${DDL}\nUPDATE users SET country = 'FR' WHERE ${where};\nCOMMIT;`), where).toEqual([]);
    }
    expect(await ruleFindings(ID, `${DDL}\n${BACKFILL}`)).toEqual([]);
    expect(await ruleFindings(ID, `BEGIN;\n${DDL}\nUPDATE users SET country = 'FR' WHERE id < 1000;\nCOMMIT;`)).toEqual([]);
    expect(await ruleFindings(ID, `BEGIN;\n${DDL}\nCOMMIT;\n${BACKFILL}`)).toEqual([]);
    expect(await ruleFindings(ID, `BEGIN;\nCREATE TABLE users (id int, country text);\n${BACKFILL}\nCOMMIT;`)).toEqual([]);
    expect(await ruleFindings(ID, `BEGIN;\nALTER TABLE users VALIDATE CONSTRAINT users_country_check;\n${BACKFILL}\nCOMMIT;`)).toEqual([]);
  });
});

describe(`${ID} on PostgreSQL`, () => {
  const db = useTestDatabase('backfill');

  beforeAll(async () => {
    await db.current.query('CREATE TABLE users (id bigint PRIMARY KEY, name text)');
    await seedRows(db.current, 'users', 100_000, { id: 'i', name: "'u' || i" });
  });

  it('with DDL and backfill in one transaction, a read waits for the whole backfill', async () => {
    const migration = await db.current.connect({ applicationName: 'pgsafe-test-migration' });
    try {
      await migration.query('BEGIN');
      await migration.query(DDL);
      const app = timed(db.current.url, 'SELECT name FROM users WHERE id = 1', { applicationName: 'pgsafe-test-app' });
      await waitUntilWaitingOnLock(db.current.url, 'pgsafe-test-app');
      const started = performance.now();
      await migration.query(BACKFILL);
      const backfillMs = performance.now() - started;
      await migration.query('COMMIT');
      const read = await app;
      expect(backfillMs).toBeGreaterThan(20);
      expect(read.error).toBeUndefined();
      expect(read.ms).toBeGreaterThan(backfillMs);
    } finally {
      await migration.end();
    }
  });

  it("with the recipe, reads don't wait while the batched backfill runs, and every row is changed", async () => {
    await db.current.query('ALTER TABLE users DROP COLUMN country');
    const [finding] = await ruleFindings(ID, `BEGIN;\n${DDL}\nUPDATE users SET country = 'DE';\n${NOT_NULL}\nCOMMIT;`);
    const [ddl, loop, notNull] = await recipeStatements(finding!);
    await runAll(db.current, [ddl!]);
    const reads = await steadyQueries(db.current.url, 'SELECT name FROM users WHERE id = 1');
    const started = performance.now();
    await runAll(db.current, [loop!]);
    const backfillMs = performance.now() - started;
    const seen = await reads.stop();
    await runAll(db.current, [notNull!]);
    expect(seen.errors).toEqual([]);
    expect(seen.count).toBeGreaterThan(10);
    expect(seen.max).toBeLessThan(backfillMs / 3);
    const { rows } = await db.current.query(`SELECT count(*)::int AS n FROM users WHERE country = 'DE'`);
    expect(rows).toEqual([{ n: 100_000 }]);
  });
});
