import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '@pgsafe/testing';
import { loadParser, parseMigration } from './parse.js';
import { safeRewrite } from './safe-rewrite.js';

beforeAll(() => loadParser());
const db = useTestDatabase('safe_rewrite');

// What `prisma migrate dev` writes for a new relation on an existing table, plus a hand-added concurrent build.
const PRISMA_SQL = `-- CreateTable
CREATE TABLE "Order" (
    "id" SERIAL NOT NULL,
    "userId" INTEGER NOT NULL,
    CONSTRAINT "Order_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Order_userId_idx" ON "Order"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- AddForeignKey
ALTER TABLE "Order" ADD CONSTRAINT "Order_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddCheck
ALTER TABLE "User" ADD CONSTRAINT "User_email_check" CHECK (email <> '');

CREATE INDEX CONCURRENTLY "User_name_idx" ON "User"("name");
`;

describe('safeRewrite', () => {
  it('moves what cannot run in a transaction into parts of its own, builds indexes on existing tables CONCURRENTLY, adds existing-table constraints NOT VALID', () => {
    const { parts, changes } = safeRewrite(parseMigration(PRISMA_SQL, 'm.sql'), { pgVersion: 15 });
    expect(parts.map((p) => p.slug)).toEqual([undefined, 'concurrent_index', 'validate_constraint', 'create_index_concurrently']);
    // The new table's index and foreign key stay with its CREATE TABLE: nobody uses the table yet.
    expect(parts[0]!.sql).toContain('-- CreateTable\nCREATE TABLE "Order"');
    expect(parts[0]!.sql).toContain('CREATE INDEX "Order_userId_idx" ON "Order"("userId");');
    expect(parts[0]!.sql).toContain('ADD CONSTRAINT "Order_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;');
    expect(parts[0]!.sql).toContain(`ADD CONSTRAINT "User_email_check" CHECK (email <> '') NOT VALID;`);
    expect(parts[1]!.sql).toBe('\n\n-- CreateIndex\nCREATE UNIQUE INDEX CONCURRENTLY "User_email_key" ON "User"("email");');
    expect(parts[2]!.sql).toContain('ALTER TABLE "User" VALIDATE CONSTRAINT "User_email_check";');
    expect(parts[3]!.sql.trim()).toBe('CREATE INDEX CONCURRENTLY "User_name_idx" ON "User"("name");');
    expect(changes.map((c) => c.line)).toEqual([12, 18]);
  });

  it('gives parts that each run as one simple query (one implicit transaction), where the original file cannot', async () => {
    await db.current.query('CREATE TABLE "User" (id serial PRIMARY KEY, email text NOT NULL, name text)');
    await db.current.query(`INSERT INTO "User" (email, name) SELECT 'u' || i || '@x', 'n' || i FROM generate_series(1, 1000) i`);
    const whole = await db.current.query(PRISMA_SQL).catch((e: { code?: string }) => e);
    expect((whole as { code?: string }).code).toBe('25001');
    for (const part of safeRewrite(parseMigration(PRISMA_SQL, 'm.sql'), { pgVersion: 15 }).parts) await db.current.query(part.sql);
    const { rows } = await db.current.query<{ name: string; valid: boolean }>(
      `SELECT c.relname AS name, i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname IN ('User_email_key', 'User_name_idx', 'Order_userId_idx') ORDER BY 1`,
    );
    expect(rows).toEqual([
      { name: 'Order_userId_idx', valid: true },
      { name: 'User_email_key', valid: true },
      { name: 'User_name_idx', valid: true },
    ]);
    const constraints = await db.current.query<{ conname: string; convalidated: boolean }>(`SELECT conname, convalidated FROM pg_constraint WHERE conname IN ('User_email_check', 'Order_userId_fkey') ORDER BY 1`);
    expect(constraints.rows).toEqual([
      { conname: 'Order_userId_fkey', convalidated: true },
      { conname: 'User_email_check', convalidated: true },
    ]);
  });

  it('keeps an index build in place when a later foreign key needs it as its unique key', () => {
    const sql = 'CREATE UNIQUE INDEX "User_email_key" ON "User"("email");\nCREATE TABLE "Order" (id int, email text);\nALTER TABLE "Order" ADD CONSTRAINT "Order_email_fkey" FOREIGN KEY ("email") REFERENCES "User"("email");\n';
    const { parts } = safeRewrite(parseMigration(sql, 'm.sql'));
    expect(parts.map((p) => p.sql.trim().split(' ').slice(0, 4).join(' '))).toEqual(['CREATE UNIQUE INDEX CONCURRENTLY', 'CREATE TABLE "Order" (id']);
  });

  it('leaves explicit transaction blocks and files that need no change alone', () => {
    const sql = 'BEGIN;\nCREATE INDEX a_idx ON t (a);\nCOMMIT;\n-- end\n';
    expect(safeRewrite(parseMigration(sql, 'm.sql')).parts).toEqual([{ sql }]);
    const plain = 'ALTER TABLE t ADD COLUMN b int;\n';
    expect(safeRewrite(parseMigration(plain, 'm.sql'))).toEqual({ parts: [{ sql: plain }], changes: [] });
  });
});
