import { describe, expect, it } from 'vitest';
import { rendered, ruleFindings } from '../testing/rule-kit.js';
import { useTestDatabase } from '@pgsafe/testing';
import { lockQueueScenario, recipeStatements } from '../testing/e2e.js';

const ID = 'require-timeout-settings';
const ON = { severities: { [ID]: 'warning' as const } };
const SQL = 'ALTER TABLE users ADD COLUMN a text;\nALTER TABLE users ADD COLUMN b text;';

describe(ID, () => {
  it('is opt-in, and reports once, naming what is missing', async () => {
    expect(await ruleFindings(ID, SQL)).toEqual([]);
    const findings = await ruleFindings(ID, `SET lock_timeout = '1s';\n${SQL}`, ON);
    expect(findings.map((f) => [f.start.line, f.message])).toEqual([[2, 'No statement_timeout before the first statement that blocks traffic.']]);
    expect(await rendered(ID, SQL, ON)).toMatchSnapshot();
  });

  it('accepts a migration setting both', async () => {
    expect(await ruleFindings(ID, `SET lock_timeout = '1s';\nSET statement_timeout = '5s';\n${SQL}`, ON)).toEqual([]);
  });
});

describe(`${ID} on PostgreSQL`, () => {
  const db = useTestDatabase('timeout_settings');

  it("with the recipe's settings, a blocked ALTER gives up and the app is not stalled", async () => {
    await db.current.query('CREATE TABLE users (id int)');
    const [finding] = await ruleFindings(ID, SQL, ON);
    const settings = (await recipeStatements(finding!)).map((s) => s.replace("'2s'", "'200ms'"));
    const { app, migrationError } = await lockQueueScenario(db.current, { table: 'users', statements: [...settings, 'ALTER TABLE users ADD COLUMN a text'], appSql: 'SELECT count(*) FROM users', blockerMs: 800 });
    expect(migrationError?.code).toBe('55P03');
    expect(app.ms).toBeLessThan(500);
  });
});
