/** The replayed schema: what a history of migrations leaves, checked against what PostgreSQL itself has after running
 *  the same statements. */
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '@pgsafe/testing';
import { loadParser, parseMigration } from '../parse.js';
import { tableRefOf } from '../ast.js';
import { SchemaModel } from '../schema-model.js';
import { SchemaState } from './schema-state.js';

beforeAll(() => loadParser());

/** Replays `migrations` (SQL texts) in order into one state. */
function replay(...migrations: string[]): SchemaState {
  const state = new SchemaState();
  migrations.forEach((sql, i) => {
    state.beginMigration(`m${i}`, false);
    for (const stmt of parseMigration(sql).statements) state.apply(stmt);
  });
  return state;
}

const t = (name: string, schema?: string) => tableRefOf(schema, name);

describe('SchemaState', () => {
  it('follows a table through renames, drops and re-creation, by sequence number', () => {
    const state = replay('CREATE TABLE a (id int);', 'ALTER TABLE a RENAME TO b;', 'DROP TABLE b;', 'CREATE TABLE b (x text);');
    const first = state.table('public.a', 1)!;
    expect(first.created).toMatchObject({ migration: 0, statement: 0 });
    // Before the rename (seq 1) it is `a`; after it, `b`; after the drop, a new `b`.
    expect(state.table('public.b', 1)).toBeUndefined();
    expect(state.table('public.b', 2)).toBe(first);
    expect(state.table('public.a', 2)).toBeUndefined();
    expect(state.table('public.b', 3)).toBeUndefined();
    const second = state.table('public.b')!;
    expect(second).not.toBe(first);
    expect(second.columnBefore('x', Infinity)?.type.name).toBe('text');
  });

  it('knows each column type as it was before a statement, through retype, rename and drop', () => {
    const state = replay('CREATE TABLE u (email varchar(50) COLLATE "C");', 'ALTER TABLE u ALTER COLUMN email TYPE varchar(100);', 'ALTER TABLE u RENAME COLUMN email TO mail;', 'ALTER TABLE u DROP COLUMN mail;');
    const u = state.table('public.u')!;
    expect(u.columnBefore('email', 1)).toMatchObject({ type: { name: 'varchar', mods: [50] }, collation: 'c' });
    // The retype keeps the collation.
    expect(u.columnBefore('email', 2)).toMatchObject({ type: { mods: [100] }, collation: 'c' });
    expect(u.columnBefore('email', 3)).toBeUndefined();
    expect(u.columnBefore('mail', 3)?.type.mods).toEqual([100]);
    expect(u.columnBefore('mail', 4)).toBeUndefined();
  });

  it('keeps the indexes of PRIMARY KEY, UNIQUE and CREATE INDEX; forgets dropped ones and those of dropped columns', () => {
    const state = replay(
      'CREATE TABLE o (id int PRIMARY KEY, user_id int, code text UNIQUE, CONSTRAINT o_pair UNIQUE (user_id, code));',
      'CREATE INDEX o_user ON o (user_id); CREATE INDEX o_part ON o (code) WHERE code IS NOT NULL;',
      'DROP INDEX o_user; ALTER TABLE o DROP COLUMN code;',
    );
    const live = (seq: number) => state.indexesOn('public.o', Infinity, seq).map((ix) => `${ix.name ?? '?'}(${ix.columns.join(',')})${ix.unique ? '!' : ''}${ix.partial ? '~' : ''}`);
    expect(live(3)).toEqual(['?(id)!', '?(code)!', 'o_pair(user_id,code)!', 'o_user(user_id)', 'o_part(code)~']);
    expect(live(Infinity)).toEqual(['?(id)!']);
  });

  it('knows rows were put in a table, and that TRUNCATE or DELETE without WHERE empties it', () => {
    const state = replay(
      'CREATE TABLE a AS SELECT 1 AS x; CREATE TABLE b AS SELECT 1 AS x WITH NO DATA; SELECT 1 AS x INTO c;',
      'CREATE TABLE d (x int); INSERT INTO d VALUES (1); DELETE FROM d WHERE x = 2; TRUNCATE d; INSERT INTO d SELECT 1; DELETE FROM d;',
    );
    expect(['a', 'b', 'c'].map((n) => state.table(`public.${n}`)!.filledBefore(Infinity))).toEqual([true, false, true]);
    const d = state.table('public.d')!;
    // seqs of migration 1: 3 CREATE, 4 INSERT, 5 DELETE ... WHERE, 6 TRUNCATE, 7 INSERT, 8 DELETE.
    expect([4, 5, 6, 7, 8, 9].map((seq) => d.filledBefore(seq))).toEqual([false, true, true, false, true, false]);
  });

  it('follows NOT VALID constraints until VALIDATE, and renames', () => {
    const state = replay('ALTER TABLE p ADD CONSTRAINT p_pos CHECK (n > 0) NOT VALID;', 'ALTER TABLE p VALIDATE CONSTRAINT p_pos;', 'ALTER TABLE p RENAME CONSTRAINT p_pos TO p_positive;');
    const p = state.table('public.p')!;
    // p was never created: it existed before the history.
    expect(p.created).toBeUndefined();
    expect(p.constraintBefore('p_pos', 1)).toMatchObject({ type: 'check', notValid: true });
    expect(p.constraintBefore('p_pos', 2)).toMatchObject({ notValid: false, validated: { migration: 1 } });
    expect(p.constraintBefore('p_pos', 3)).toBeUndefined();
    expect(p.constraintBefore('p_positive', 3)?.notValid).toBe(false);
  });

  it('lets IF NOT EXISTS over an existing table, column or index change nothing', () => {
    const state = replay('CREATE TABLE a (x int); CREATE INDEX a_x ON a (x);', 'CREATE TABLE IF NOT EXISTS a (y text); ALTER TABLE a ADD COLUMN IF NOT EXISTS x text; CREATE INDEX IF NOT EXISTS a_x ON a (x, y);');
    const a = state.table('public.a')!;
    expect(a.created?.migration).toBe(0);
    expect(a.columnBefore('x', Infinity)?.type.name).toBe('int4');
    expect(a.columnBefore('y', Infinity)).toBeUndefined();
    expect(state.indexesOn('public.a').map((ix) => ix.columns)).toEqual([['x']]);
  });

  it('moves a table to another schema with ALTER TABLE ... SET SCHEMA', () => {
    const state = replay('CREATE TABLE a (x int);', 'ALTER TABLE a SET SCHEMA archive;');
    expect(state.table('archive.a')?.created?.migration).toBe(0);
    expect(state.table('public.a')).toBeUndefined();
  });
});

describe('SchemaModel over a history', () => {
  it('tells tables created in this migration from those of earlier ones, and an earlier migration of the deploy', () => {
    const state = new SchemaState();
    state.beginMigration('applied', false);
    for (const s of parseMigration('CREATE TABLE old (id int);').statements) state.apply(s);
    state.beginMigration('pending-1', true);
    for (const s of parseMigration('CREATE TABLE fresh (id int);').statements) state.apply(s);
    state.beginMigration('pending-2', true);
    const here = parseMigration('CREATE TABLE mine (id int);\nCREATE INDEX ON mine (id);\nCREATE INDEX ON fresh (id);').statements;
    for (const s of here) state.apply(s);
    const view = new SchemaModel(state);
    expect(view.isNewTable(t('mine'), 1)).toBe(true);
    expect(view.isNewTable(t('mine'), 0)).toBe(false);
    expect(view.isNewTable(t('fresh'), 2)).toBe(false);
    expect(view.createdEarlierInDeploy(t('fresh'), 2)?.name).toBe('pending-1');
    expect(view.createdEarlierInDeploy(t('old'), 2)).toBeUndefined();
  });
});

describe('SchemaState against PostgreSQL', () => {
  const db = useTestDatabase('schema_state');

  it('ends with the columns and indexes PostgreSQL has after the same migrations', async () => {
    const migrations = [
      'CREATE TABLE "User" (id text PRIMARY KEY, email varchar(100) NOT NULL, name text);\nCREATE UNIQUE INDEX "User_email_key" ON "User" (email);',
      'CREATE TABLE "Order" (id bigint PRIMARY KEY, "userId" text, total numeric(10, 2), note text);\nALTER TABLE "Order" ADD CONSTRAINT "Order_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"(id);\nCREATE INDEX "Order_userId_idx" ON "Order" ("userId");',
      'ALTER TABLE "Order" ALTER COLUMN total TYPE numeric(12, 2);\nALTER TABLE "Order" RENAME COLUMN note TO comment;\nALTER INDEX "Order_userId_idx" RENAME TO "Order_user_idx";\nALTER TABLE "User" DROP COLUMN name;',
      'ALTER TABLE "User" RENAME TO "Account";\nCREATE TABLE tmp AS SELECT 1 AS x;\nDROP TABLE tmp;\nDROP INDEX "User_email_key";\nALTER TABLE "Order" ADD COLUMN code text UNIQUE;',
    ];
    for (const sql of migrations) await db.current.query(sql);
    const state = replay(...migrations);

    const { rows: columns } = await db.current.query<{ t: string; c: string; type: string }>(
      `SELECT c.relname AS t, a.attname AS c, format_type(a.atttypid, a.atttypmod) AS type FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped ORDER BY 1, a.attnum`,
    );
    const { rows: indexes } = await db.current.query<{ t: string; i: string; cols: string[] }>(
      `SELECT c.relname AS t, ic.relname AS i, ARRAY(SELECT a.attname::text FROM unnest(x.indkey::int2[]) k JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k) AS cols
         FROM pg_index x JOIN pg_class c ON c.oid = x.indrelid JOIN pg_class ic ON ic.oid = x.indexrelid
        WHERE c.relnamespace = 'public'::regnamespace ORDER BY 1, 2`,
    );
    const tables = [...new Set(columns.map((r) => r.t))];
    expect(tables).toEqual(['Account', 'Order']);
    for (const table of tables) {
      const facts = state.table(`public.${table}`)!;
      const known = columns.filter((r) => r.t === table).map((r) => [r.c, facts.columnBefore(r.c, Infinity)?.type.sql.replace(/\s+/g, '')]);
      expect(known, table).toEqual(columns.filter((r) => r.t === table).map((r) => [r.c, sqlOfType(r.type)]));
      // Same key columns (names of unnamed constraint indexes are PostgreSQL's to choose).
      expect(state.indexesOn(`public.${table}`).map((ix) => ix.columns.join(',')).sort(), table).toEqual(indexes.filter((r) => r.t === table).map((r) => r.cols.join(',')).sort());
    }
  });
});

/** PostgreSQL's format_type spelling in the deparser's (the model keeps the types as written, canonicalized). */
function sqlOfType(formatted: string): string {
  return formatted.replace('character varying', 'varchar').replace(/\s+/g, '');
}
