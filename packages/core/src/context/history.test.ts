import { beforeAll, describe, expect, it } from 'vitest';
import { loadParser, parseMigration } from '../parse.js';
import { analyze } from '../analyze.js';
import { MigrationHistory } from './history.js';
import { fileExecution, type MigrationSlot, type RunnerName } from './runners.js';

beforeAll(() => loadParser());

const slot = (runner: RunnerName, name: string): MigrationSlot => ({ runner, root: 'migrations', name, direction: 'up' });

/** The rule ids reported for each migration of a history, judged in order. */
function judged(runner: RunnerName, migrations: string[], options: { report?: boolean[] } = {}): string[][] {
  const history = new MigrationHistory({ pgVersion: 15 });
  return migrations.map((sql, i) => {
    const name = `${i}`;
    const execution = fileExecution(slot(runner, name), sql, `migrations/${name}.sql`);
    return history.next(parseMigration(sql, name), { name, execution, report: options.report?.[i] ?? true }).map((f) => f.rule);
  });
}
const alone = (sql: string) => analyze(parseMigration(sql), { pgVersion: 15 }).map((f) => f.rule);

describe('MigrationHistory', () => {
  it('sees an index an earlier migration created: no foreign-key-missing-index', () => {
    const fk = 'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;';
    expect(alone(fk)).toContain('foreign-key-missing-index');
    const [, second] = judged('plain', ['CREATE TABLE users (id int PRIMARY KEY);\nCREATE TABLE orders (id int, user_id int);\nCREATE INDEX orders_user_idx ON orders (user_id);', fk]);
    expect(second).not.toContain('foreign-key-missing-index');
    // ... unless a migration in between dropped it.
    const [, , third] = judged('plain', ['CREATE TABLE orders (id int, user_id int);\nCREATE INDEX orders_user_idx ON orders (user_id);', 'DROP INDEX orders_user_idx;', fk]);
    expect(third).toContain('foreign-key-missing-index');
  });

  it('knows a column’s type from an earlier migration: widening a varchar rewrites nothing', () => {
    const widen = 'ALTER TABLE users ALTER COLUMN email TYPE varchar(200);';
    // Alone, the old type is unknown and varchar(200) is a widening target: not reported (issue 22).
    expect(alone(widen)).not.toContain('changing-column-type');
    expect(judged('plain', ['CREATE TABLE users (id int, email varchar(100));', widen])[1]).not.toContain('changing-column-type');
    expect(judged('plain', ['CREATE TABLE users (id int, email text);', widen])[1]).toContain('changing-column-type');
  });

  it('judges a table created by an earlier migration as existing (it has rows in production by then)', () => {
    const [first, second] = judged('plain', ['CREATE TABLE t (id int);\nCREATE INDEX t_id ON t (id);', 'CREATE INDEX t_id2 ON t (id);']);
    expect(first).not.toContain('require-concurrent-index-creation');
    expect(second).toContain('require-concurrent-index-creation');
  });

  it('runs a Prisma migration.sql as one implicit transaction', () => {
    const [robust, block, concurrent, lone] = judged('prisma', [
      // Fragile statements, but the file is atomic: no prefer-robust-stmts.
      'ALTER TABLE a ADD COLUMN x int;\nCREATE INDEX a_x ON a (x);',
      // Prisma's own enum rewrite: BEGIN makes the implicit transaction explicit, it nests nothing.
      'ALTER TABLE a ADD COLUMN y int;\nBEGIN;\nCREATE TYPE e_new AS ENUM (\'x\');\nCOMMIT;',
      // CONCURRENTLY among other statements fails there (SQLSTATE 25001) ...
      'CREATE INDEX CONCURRENTLY a_y ON a (y);\nALTER TABLE a ADD COLUMN z int;',
      // ... and works alone in its file.
      'CREATE INDEX CONCURRENTLY a_z ON a (z);',
    ]);
    expect(robust).not.toContain('prefer-robust-stmts');
    expect(alone('ALTER TABLE a ADD COLUMN x int;\nCREATE INDEX a_x ON a (x);')).toContain('prefer-robust-stmts');
    expect(block).not.toContain('transaction-nesting');
    expect(concurrent).toContain('ban-concurrent-index-creation-in-transaction');
    expect(lone).not.toContain('ban-concurrent-index-creation-in-transaction');
  });

  it('says an ORM habit once per history: later varchar(n), serial, integer keys and timestamp columns pass (issue 22)', () => {
    const habits = ['prefer-text-field', 'prefer-identity', 'prefer-bigint-over-int', 'prefer-timestamp-tz'];
    const first = 'CREATE TABLE users (id serial PRIMARY KEY, email varchar(255), created_at timestamp(3) DEFAULT now());';
    const later = 'CREATE TABLE posts (id serial PRIMARY KEY, author_id integer, title varchar(255), created_at timestamp(3) DEFAULT now());';
    // Three of them are opt-in (issue 22): turned on here.
    const history = new MigrationHistory({ pgVersion: 15, severities: Object.fromEntries(habits.map((h) => [h, 'warning' as const])) });
    const [one, two] = [first, later].map((sql, i) => history.next(parseMigration(sql, `${i}`), { name: `${i}`, execution: fileExecution(slot('prisma', `${i}`), sql, `migrations/${i}/migration.sql`) }).map((f) => f.rule));
    expect(one!.filter((r) => habits.includes(r)).sort()).toEqual([...habits].sort());
    expect(two!.filter((r) => habits.includes(r))).toEqual([]);
    // Judged alone, the later migration is its own history.
    const aloneAll = analyze(parseMigration(later), { pgVersion: 15, severities: Object.fromEntries(habits.map((h) => [h, 'warning' as const])) }).map((f) => f.rule);
    expect(aloneAll.filter((r) => habits.includes(r)).sort()).toEqual([...habits].sort());
  });

  it('does not report the down section of a file: it runs only on a manual rollback (goose)', () => {
    const sql = '-- +goose Up\nCREATE TABLE orders (id bigint PRIMARY KEY);\n-- +goose Down\nDROP TABLE customers;\n';
    expect(alone(sql)).toContain('ban-drop-table');
    expect(judged('goose', [sql])[0]).not.toContain('ban-drop-table');
  });

  it('flyway runs a migration holding CREATE INDEX CONCURRENTLY outside a transaction (issue 22)', () => {
    const [cic] = judged('flyway', ['CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_user_idx ON orders (user_id);']);
    expect(cic).not.toContain('ban-concurrent-index-creation-in-transaction');
    const [plain] = judged('flyway', ['ALTER TABLE orders ADD COLUMN note text;\nALTER TABLE orders ADD COLUMN tag text;']);
    expect(plain).not.toContain('prefer-robust-stmts');
  });

  it('never replays a down section (goose)', () => {
    const up = '-- +goose Up\nCREATE TABLE orders (id int, user_id int);\nCREATE INDEX orders_user_idx ON orders (user_id);\n-- +goose Down\nDROP INDEX orders_user_idx;\nDROP TABLE orders;\n';
    const fk = '-- +goose Up\nALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\n';
    expect(judged('goose', [up, fk])[1]).not.toContain('foreign-key-missing-index');
  });

  it('replays a migration given with report: false without judging it', () => {
    const [first, second] = judged('plain', ['CREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN c int NOT NULL;\nCREATE TABLE o (t_id int);\nCREATE INDEX o_t ON o (t_id);', 'ALTER TABLE o ADD CONSTRAINT o_fk FOREIGN KEY (t_id) REFERENCES t (id) NOT VALID;'], { report: [false, true] });
    expect(first).toEqual([]);
    expect(second).not.toContain('foreign-key-missing-index');
  });

  it('judges the migrations of an ORM batch transaction in that one transaction: what an earlier one locked is still held', () => {
    const because = 'knex runs all pending migrations in one transaction when each is transactional';
    const run = (migrations: string[], shared: (string | undefined)[]) => {
      const history = new MigrationHistory({ pgVersion: 15 });
      return migrations.map((sql, i) => {
        const name = `00${i}_m.js`;
        const execution = { runner: 'knex' as const, transactional: true, because: 'knex' };
        return history.next(parseMigration(sql, name), { name, execution, ...(shared[i] ? { batchTransaction: shared[i] } : {}) });
      });
    };
    const notValid = "ALTER TABLE users ADD CONSTRAINT users_email_check CHECK (email <> '') NOT VALID;";
    const validate = 'ALTER TABLE users VALIDATE CONSTRAINT users_email_check;';
    const [, together] = run([notValid, validate], [because, because]);
    expect(together!.map((f) => f.rule)).toEqual(['validate-constraint-in-same-transaction']);
    expect(together![0]!.message).toContain(`(line 1 of migration 000_m.js): ${because}`);
    // Each migration in a transaction of its own (a batch with a non-transactional migration): nothing held.
    expect(run([notValid, validate], [undefined, undefined])[1]).toEqual([]);
    // A lock taken in the first and a whole-table UPDATE in the second: the backfill holds the ALTER's lock.
    const [, backfill] = run(['ALTER TABLE users ADD COLUMN status text;', "UPDATE users SET status = 'new';"], [because, because]);
    expect(backfill!.map((f) => f.rule)).toContain('backfill-in-schema-migration');
    expect(backfill!.find((f) => f.rule === 'backfill-in-schema-migration')!.message).toContain('DDL on line 1 of migration 000_m.js, which holds ACCESS EXCLUSIVE on users');
    // A table an earlier migration of the batch created has no traffic: its locks block nobody (a fresh install).
    const fresh = run(['CREATE TABLE accounts (id int PRIMARY KEY, email text);', "ALTER TABLE accounts ADD CONSTRAINT accounts_email_check CHECK (email <> '') NOT VALID;", 'ALTER TABLE accounts VALIDATE CONSTRAINT accounts_email_check;'], [because, because, because]);
    expect(fresh[2]).toEqual([]);
    // A migration run beside the transaction (MikroORM's non-transactional one under allOrNothing, on another
    // connection) leaves it open: the one after it still holds the first one's locks.
    const beside = new MigrationHistory({ pgVersion: 15 });
    const mikro = (sql: string, name: string, transactional: boolean) =>
      beside.next(parseMigration(sql, name), { name, execution: { runner: 'mikro-orm' as const, transactional, because: 'mikro-orm' }, ...(transactional ? { batchTransaction: because } : { besideBatchTransaction: true }) });
    mikro(notValid, 'Migration1', true);
    expect(mikro('CREATE INDEX CONCURRENTLY orders_user_idx ON orders (user_id);', 'Migration2', false)).toEqual([]);
    expect(mikro(validate, 'Migration3', true).map((f) => f.rule)).toEqual(['validate-constraint-in-same-transaction']);
    // Two tables locked ACCESS EXCLUSIVE in two migrations of the transaction: lock-queue-risk names the first.
    const [, queue] = run(['ALTER TABLE users ADD COLUMN a int;', 'ALTER TABLE orders ADD COLUMN b int;'], [because, because]);
    expect(queue!.find((f) => f.rule === 'lock-queue-risk')?.message).toContain('users (locked on line 1 of migration 000_m.js)');
  });
});
