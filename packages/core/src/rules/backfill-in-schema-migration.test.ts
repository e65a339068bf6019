import { beforeAll, describe, expect, it } from 'vitest';
import { MigrationHistory } from '../context/history.js';
import { parseMigration } from '../parse.js';
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

/** The rule's findings on the last of `migrations`, each judged in the history of the ones before it. */
function inHistory(...migrations: string[]) {
  const history = new MigrationHistory({ pgVersion: 15 });
  const found = migrations.map((sql, i) => history.next(parseMigration(sql, String(i + 1)), { name: String(i + 1) }));
  return found.at(-1)!.filter((f) => f.rule === ID);
}

describe(`${ID}: what a DBA would not flag (issue 22, patterns from real histories)`, () => {
  const KINDS = "CREATE TABLE activity_kinds (id bigint PRIMARY KEY, kind text, platform text);\nINSERT INTO activity_kinds VALUES (1, 'commit', 'git'), (2, 'review', 'git'), (3, 'post', 'forum');";
  const LABEL = "BEGIN;\nALTER TABLE activity_kinds ADD COLUMN label text;\nUPDATE activity_kinds SET label = 'Posted' WHERE kind = 'post' AND platform = 'forum';\nCOMMIT;";

  it('a reference table the migrations fill themselves (VALUES rows) is not flagged: a few hundred rows at most', () => {
    expect(inHistory(KINDS, LABEL)).toEqual([]);
  });

  it('a table the history created and seeded with one row (an admin user) is flagged: the application adds the rest', () => {
    const users = "CREATE TABLE activity_kinds (id bigint PRIMARY KEY, kind text, platform text);\nINSERT INTO activity_kinds VALUES (1, 'admin', 'local');";
    expect(inHistory(users, LABEL)).toHaveLength(1);
    expect(inHistory('CREATE TABLE activity_kinds (id bigint PRIMARY KEY, kind text, platform text);', LABEL)).toHaveLength(1);
  });

  it("an UPDATE of a system catalog is not the application's data", async () => {
    const sql = "BEGIN;\nALTER TABLE local_site DISABLE TRIGGER ALL;\nUPDATE pg_index SET indisready = true WHERE indrelid = (SELECT oid FROM pg_class WHERE relname = 'local_site');\nUPDATE pg_catalog.pg_index SET indisvalid = true WHERE indrelid = 'local_site'::regclass;\nCOMMIT;";
    expect(await ruleFindings(ID, sql)).toEqual([]);
  });

  it('a DELETE of duplicates before the unique index locks only the rows it removes; after the DDL it is still flagged', async () => {
    const dedupe = 'DELETE FROM posts a USING (SELECT min(id) AS id, ap_id FROM posts GROUP BY ap_id HAVING count(*) > 1) b WHERE a.ap_id = b.ap_id AND a.id <> b.id;';
    const unique = 'ALTER TABLE posts ADD CONSTRAINT posts_ap_id_key UNIQUE (ap_id);';
    expect(await ruleFindings(ID, `BEGIN;\n${dedupe}\n${unique}\nCOMMIT;`)).toEqual([]);
    expect((await ruleFindings(ID, `BEGIN;\n${unique}\n${dedupe}\nCOMMIT;`)).map((f) => f.start.line)).toEqual([3]);
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
