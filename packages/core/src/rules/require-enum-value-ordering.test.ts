import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '@pgsafe/testing';
import { rendered as renderedWith, ruleFindings as anyFindings } from '../testing/rule-kit.js';

const ID = 'require-enum-value-ordering';
// Opt-in (issue 22): its tests turn it on, as `--rule require-enum-value-ordering` does.
const ON = { severities: { [ID]: 'warning' as const } };
const ruleFindings = (id: string, sql: string) => anyFindings(id, sql, ON);
const rendered = (id: string, sql: string) => renderedWith(id, sql, ON);
const SQL = "ALTER TYPE order_status ADD VALUE 'cancelled';";

describe(ID, () => {
  it('is opt-in: silent unless the config or --rule turns it on', async () => {
    expect(await anyFindings(ID, SQL)).toEqual([]);
    expect(await ruleFindings(ID, SQL)).toHaveLength(1);
  });

  it('warns about ADD VALUE without BEFORE or AFTER', async () => {
    expect((await ruleFindings(ID, SQL)).map((f) => f.severity)).toEqual(['warning']);
    expect(await rendered(ID, SQL)).toMatchSnapshot();
  });

  it('accepts an explicit position', async () => {
    expect(await ruleFindings(ID, "ALTER TYPE order_status ADD VALUE 'cancelled' BEFORE 'shipped';")).toEqual([]);
  });
});

describe(`${ID} on PostgreSQL`, () => {
  const db = useTestDatabase('enum_order');

  it('an appended value sorts after every existing one', async () => {
    await db.current.query("CREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped')");
    await db.current.query(SQL);
    const { rows } = await db.current.query(`SELECT 'cancelled'::order_status > 'shipped'::order_status AS after_shipped`);
    expect(rows).toEqual([{ after_shipped: true }]);
  });
});
