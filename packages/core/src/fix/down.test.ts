/** The down() of fixed ORM migrations on real PostgreSQL, with rows: the fixed up() steps, then the parts downOf
 *  writes, end with the schema and rows the database had before up(). Statements that cannot be undone make the whole
 *  down refuse, naming the step. (The ORMs' own migrators run these files in the adapters' tests.) */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { seedRows, useTestDatabase } from '@pgsafe/testing';
import { loadParser, parseMigration } from '../parse.js';
import { downOf, downParts, type DownPart } from './down.js';
import { diffEndStates, endState } from './end-state.js';
import { fix } from './fix.js';
import { historySchema } from './history-schema.js';
import { timeoutLines } from './render.js';
import type { FixResult } from './types.js';

const db = useTestDatabase('fix_down');
const EARLIER_SQL = `CREATE TABLE users (id int PRIMARY KEY, email text, org_id int);
CREATE TABLE orgs (id int PRIMARY KEY);
CREATE TABLE events (ts int, note text) PARTITION BY RANGE (ts);
CREATE TABLE events_1 PARTITION OF events FOR VALUES FROM (0) TO (1000);
CREATE TABLE events_2 PARTITION OF events FOR VALUES FROM (1000) TO (2000);`;

beforeAll(() => loadParser());
beforeEach(async () => {
  await db.current.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
  await db.current.query(EARLIER_SQL);
  await seedRows(db.current, 'orgs', 10, { id: 'i' });
  await seedRows(db.current, 'users', 5_000, { id: 'i', email: "'u' || i || '@example.com'", org_id: '1 + i % 10' });
  await seedRows(db.current, 'events', 1_999, { ts: 'i', note: "'n' || i" });
});

function fixed(sql: string): FixResult {
  const migration = parseMigration(sql, 'm.sql');
  return fix(migration, { values: { country: "'xx'" }, schema: historySchema([parseMigration(EARLIER_SQL, 'earlier.sql')], migration) });
}

/** Runs parts as the ORM files do: a transactional one between BEGIN and COMMIT with the timeouts, the others alone. */
async function run(result: FixResult, parts: DownPart[]): Promise<void> {
  for (const part of parts) {
    if (!part.transactional) {
      for (const sql of part.statements) await db.current.query(sql);
      continue;
    }
    await db.current.query('BEGIN');
    for (const sql of [...timeoutLines(result, 'SET LOCAL', false), ...part.statements]) await db.current.query(sql);
    await db.current.query('COMMIT');
  }
}

const upParts = (result: FixResult, deploy = 1): DownPart[] =>
  result.steps.filter((s) => s.deploy === deploy).map((s) => ({ transactional: s.transactional, statements: parseMigration(s.sql, 'm.sql').statements.map((x) => x.text) }));

describe('downOf', () => {
  it.each([
    ['an added NOT NULL column with its backfill, an index and a unique constraint', "ALTER TABLE users ADD COLUMN country text NOT NULL;\nCREATE INDEX users_email_idx ON users (email);\nALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);"],
    ['SET NOT NULL through a CHECK', 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;'],
    ['a volatile default, backfilled', 'ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();'],
    ['a foreign key NOT VALID, then validated, with the index of its column', 'ALTER TABLE users ADD CONSTRAINT users_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id);\nCREATE INDEX users_org_idx ON users (org_id);'],
    ["a partitioned table's index, built per partition", 'CREATE INDEX events_ts_idx ON events (ts);'],
    ['a new table with its index, a column renamed in it, a multi-part ALTER', 'CREATE TABLE notes (id int PRIMARY KEY, body text);\nCREATE INDEX notes_body_idx ON notes (body);\nALTER TABLE notes RENAME COLUMN body TO text;\nALTER TABLE users ADD COLUMN a int, ADD COLUMN b text DEFAULT \'b\';'],
  ])('%s: up, then down, ends as before up', async (_label, sql) => {
    const result = fixed(sql);
    expect(result.deploys).toHaveLength(1);
    const down = downOf(result, result.steps);
    if ('irreversible' in down) throw new Error(down.irreversible);
    const client = await db.current.connect();
    const before = await endState(client);
    await run(result, upParts(result));
    expect(diffEndStates(before, await endState(client))).not.toEqual([]);
    await run(result, downParts(down.perStep));
    expect(diffEndStates(before, await endState(client))).toEqual([]);
    await client.end();
  });

  it('drops an index as it was built: CONCURRENTLY outside a transaction, a partitioned one inside', () => {
    const result = fixed('CREATE INDEX events_ts_idx ON events (ts);\nCREATE INDEX users_email_idx ON users (email);');
    const down = downOf(result, result.steps);
    expect('perStep' in down && downParts(down.perStep)).toEqual([
      { transactional: false, statements: ['DROP INDEX CONCURRENTLY IF EXISTS users_email_idx'] },
      { transactional: true, statements: ['DROP INDEX IF EXISTS events_ts_idx'] },
    ]);
  });

  it.each([
    // The drop moves to a later deploy, whose down() refuses.
    ['ALTER TABLE users DROP COLUMN email;', 2, 'step 1/1 (ALTER TABLE users DROP COLUMN email): a dropped column: its data cannot be brought back'],
    ["CREATE INDEX users_email_idx ON users (email);\nALTER TABLE users ALTER COLUMN email SET DEFAULT 'x';", 1, "step 1/2 (ALTER TABLE users ALTER COLUMN email SET DEFAULT 'x'): a changed default: the column's earlier default is not known here"],
    ["UPDATE users SET email = lower(email);", 1, 'step 1/1 (UPDATE users SET email = lower(email)): a backfill of an existing column: the values it replaced are not kept'],
    ['DROP TABLE orgs CASCADE;', 2, 'step 1/1 (DROP TABLE orgs CASCADE): a DROP: what it dropped cannot be brought back'],
  ])('refuses as a whole, naming the step: %s', (sql, deploy, why) => {
    const result = fixed(sql);
    expect(downOf(result, result.steps.filter((s) => s.deploy === deploy))).toEqual({ irreversible: why });
  });
});
