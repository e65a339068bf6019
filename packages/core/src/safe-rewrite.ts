/**
 * The mechanical part of making a migration safe, for runners that execute a file as written (Prisma's schema
 * engine, plain psql): cut the file into parts so that every statement PostgreSQL refuses inside a transaction
 * block stands alone, build indexes on existing tables CONCURRENTLY, and add foreign keys and CHECK constraints on
 * existing tables NOT VALID with the VALIDATE CONSTRAINT in a later part. What cannot be rewritten mechanically
 * (a required column without a default, a type change) is left to the findings' recipes.
 */
import type { Constraint } from '@pgsql/types';
import { as, tableRef } from './ast.js';
import type { ParsedMigration, ParsedStatement } from './parse.js';
import { nonTransactionalKind } from './plan/classify.js';
import { SchemaModel } from './schema-model.js';
import { quoteIdent } from './sql.js';

export interface RewritePart {
  /** The part's SQL: the original statements with their comments, rewritten where `changes` say. */
  sql: string;
  /** Why the part stands alone (absent for the first part, and for the statements around the moved ones). */
  reason?: string;
  /** A short name for the part, usable in a file or directory name, e.g. `concurrent_index`. */
  slug?: string;
}

export interface RewriteChange {
  /** 1-based line of the statement in the original file. */
  line: number;
  message: string;
}

export interface SafeRewrite {
  parts: RewritePart[];
  changes: RewriteChange[];
}

/** Parts in execution order; a single part equal to the source when nothing needs to change. */
export function safeRewrite(migration: ParsedMigration, options: { pgVersion?: number } = {}): SafeRewrite {
  const pgVersion = options.pgVersion ?? 99;
  const { source, statements } = migration;
  const schema = new SchemaModel(statements);
  const parts: RewritePart[] = [];
  const changes: RewriteChange[] = [];
  let group = '';
  let inBlock = false;
  // Index builds and validations wait until the transactional statements are done, so that those stay in one
  // part (a foreign key to a table created in the same migration is only safe next to its CREATE TABLE).
  const deferred: RewritePart[] = [];
  const later = (i: number) => statements.slice(i + 1);
  const flush = () => {
    if (group.trim()) parts.push({ sql: group });
    group = '';
  };
  const alone = (part: RewritePart) => {
    flush();
    parts.push(part);
  };

  for (const [i, stmt] of statements.entries()) {
    const from = i === 0 ? 0 : afterSemicolon(source, statements[i - 1]!.end.offset);
    const to = i === statements.length - 1 ? source.length : afterSemicolon(source, stmt.end.offset);
    const chunk = source.slice(from, to);
    const transaction = as(stmt.node, 'TransactionStmt');
    if (transaction) {
      if (transaction.kind === 'TRANS_STMT_BEGIN' || transaction.kind === 'TRANS_STMT_START') inBlock = true;
      if (transaction.kind === 'TRANS_STMT_COMMIT' || transaction.kind === 'TRANS_STMT_ROLLBACK') inBlock = false;
    }
    if (inBlock || transaction) {
      group += chunk;
      continue;
    }
    const kind = nonTransactionalKind(stmt, pgVersion);
    if (kind) {
      const part = { sql: chunk, reason: `${kind} cannot run inside a transaction block`, slug: kind.replace(/-/g, '_') };
      if (kind === 'create-index-concurrently' && !usedLater(stmt, later(i))) deferred.push(part);
      else alone(part);
      continue;
    }
    const concurrent = concurrentIndex(stmt, chunk, schema);
    if (concurrent) {
      changes.push({ line: stmt.start.line, message: 'CREATE INDEX → CREATE INDEX CONCURRENTLY, in a migration of its own (it cannot run in a transaction block)' });
      const part = { sql: concurrent, reason: 'create-index-concurrently cannot run inside a transaction block', slug: 'concurrent_index' };
      if (usedLater(stmt, later(i))) alone(part);
      else deferred.push(part);
      continue;
    }
    const notValid = notValidConstraint(stmt, chunk, stmt.end.offset - from, schema);
    if (notValid) {
      changes.push({ line: stmt.start.line, message: `ADD CONSTRAINT ${notValid.name} → NOT VALID, then VALIDATE CONSTRAINT in a migration of its own (no long ACCESS EXCLUSIVE / SHARE ROW EXCLUSIVE scan)` });
      group += notValid.sql;
      deferred.push({ sql: `\n${notValid.validate}\n`, reason: 'VALIDATE CONSTRAINT in its own transaction takes only SHARE UPDATE EXCLUSIVE while it scans', slug: 'validate_constraint' });
      continue;
    }
    group += chunk;
  }
  // Trailing comments after the last statement, or a file without statements.
  if (!statements.length) group = source;
  flush();
  parts.push(...deferred);
  if (!parts.length) parts.push({ sql: source });
  return { parts, changes };
}

/** The offset just after the `;` ending a statement that ends at `end`, or `end` when there is none. */
function afterSemicolon(source: string, end: number): number {
  const m = /^\s*;/.exec(source.slice(end));
  return m ? end + m[0].length : end;
}

/** A later statement names the index, or has a foreign key whose referenced columns are exactly the index's (a
 *  foreign key needs that unique index to exist): the build cannot wait until the end. */
function usedLater(stmt: ParsedStatement, rest: ParsedStatement[]): boolean {
  const index = as(stmt.node, 'IndexStmt');
  if (!index) return true;
  const table = tableRef(index.relation)?.key;
  const columns = new Set((index.indexParams ?? []).map((p) => as(p, 'IndexElem')?.name));
  return rest.some((later) => {
    if (index.idxname && later.text.includes(index.idxname)) return true;
    return foreignKeys(later.node).some((fk) => {
      const refs = (fk.pk_attrs ?? []).map((a) => as(a, 'String')?.sval);
      return tableRef(fk.pktable)?.key === table && refs.length === columns.size && refs.every((r) => columns.has(r));
    });
  });
}

function foreignKeys(node: unknown): Constraint[] {
  const found: Constraint[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      const c = (value as { Constraint?: Constraint }).Constraint;
      if (c?.contype === 'CONSTR_FOREIGN') found.push(c);
      Object.values(value).forEach(walk);
    }
  };
  walk(node);
  return found;
}

const LEADING = String.raw`(?:\s|--[^\n]*\n|/\*[\s\S]*?\*/)*`;

/** CREATE [UNIQUE] INDEX on a table that exists before this migration: the same statement, CONCURRENTLY. */
function concurrentIndex(stmt: ParsedStatement, chunk: string, schema: SchemaModel): string | undefined {
  const index = as(stmt.node, 'IndexStmt');
  if (!index || index.concurrent || schema.isNewTable(tableRef(index.relation), stmt.index)) return undefined;
  const re = new RegExp(`^(${LEADING}CREATE\\s+(?:UNIQUE\\s+)?INDEX)(?=\\s)`, 'i');
  return re.test(chunk) ? chunk.replace(re, '$1 CONCURRENTLY') : undefined;
}

/** ALTER TABLE t ADD CONSTRAINT c FOREIGN KEY|CHECK ... on an existing table, alone in its statement; `cut` is where
 *  the statement ends in `chunk` (before its semicolon). */
function notValidConstraint(stmt: ParsedStatement, chunk: string, cut: number, schema: SchemaModel): { name: string; sql: string; validate: string } | undefined {
  const alter = as(stmt.node, 'AlterTableStmt');
  const table = tableRef(alter?.relation);
  if (!alter || !table || alter.cmds?.length !== 1 || schema.isNewTable(table, stmt.index)) return undefined;
  const cmd = as(alter.cmds[0], 'AlterTableCmd');
  const constraint = cmd?.subtype === 'AT_AddConstraint' ? as(cmd.def, 'Constraint') : undefined;
  if (!constraint?.conname || constraint.skip_validation || (constraint.contype !== 'CONSTR_FOREIGN' && constraint.contype !== 'CONSTR_CHECK')) return undefined;
  return {
    name: constraint.conname,
    sql: `${chunk.slice(0, cut)} NOT VALID${chunk.slice(cut)}`,
    validate: `-- pgsafe: validates ${constraint.conname} without blocking writes\nALTER TABLE ${alter.relation!.inh ? '' : 'ONLY '}${table.sql} VALIDATE CONSTRAINT ${quoteIdent(constraint.conname)};`,
  };
}
