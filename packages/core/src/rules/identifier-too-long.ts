import { scanSync } from '../pg-parser.js';
import { defineRule } from '../rule.js';
import type { ParsedStatement } from '../parse.js';
import { quoteIdent } from '../sql.js';
import type { RunnerName } from '../context/runners.js';

/** Cheap single-pass pre-filter: is there a quoted name, or a run of name characters, that may exceed 63 bytes?
 *  Non-ASCII characters count as 3 bytes (the most a UTF-16 unit can take), so nothing too long slips through. */
function mayHaveLongName(text: string): boolean {
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      // "quoted name": measure up to the closing quote (a doubled "" stays inside).
      let bytes = 0;
      for (i++; i < text.length && !(text.charCodeAt(i) === 34 && text.charCodeAt(i + 1) !== 34); i++) {
        if (text.charCodeAt(i) === 34) i++;
        bytes += text.charCodeAt(i) < 128 ? 1 : 3;
      }
      if (bytes > 63) return true;
      run = 0;
    } else if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36 || c >= 128) {
      run += c < 128 ? 1 : 3;
      if (run > 63) return true;
    } else run = 0;
  }
  return false;
}

/** Keys of the names a statement gives (to what it creates, adds or renames to); every other name refers to an object
 *  that exists, and PostgreSQL cuts it the same way, so it finds that object (DROP INDEX with the long name works). */
const DEFINING_KEYS = new Set(['idxname', 'conname', 'colname', 'newname', 'trigname', 'policy_name']);
/** Statements whose `relation` (or the like) is the relation they create. */
const CREATED_RELATION: Record<string, string> = { CreateStmt: 'relation', ViewStmt: 'view', CreateSeqStmt: 'sequence', CompositeTypeStmt: 'typevar' };
/** Statements whose name list (last element) is the object they create. */
const CREATED_NAME: Record<string, string> = { CreateFunctionStmt: 'funcname', CreateEnumStmt: 'typeName', CreateDomainStmt: 'domainname', DefineStmt: 'defnames', CreateRangeStmt: 'typeName' };

/** The names the statement gives, as the parser stores them (already cut to 63 bytes). */
function definedNames(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const n of node) definedNames(n, out);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (typeof value === 'string' && DEFINING_KEYS.has(key)) out.add(value);
      const relation = CREATED_RELATION[key];
      if (relation) out.add((value as Record<string, { relname?: string }>)[relation]?.relname ?? '');
      const name = CREATED_NAME[key];
      if (name) {
        const list = (value as Record<string, { String?: { sval?: string } }[]>)[name];
        out.add(list?.at(-1)?.String?.sval ?? '');
      }
      if (key === 'CreateTableAsStmt') out.add((value as { into?: { rel?: { relname?: string } } }).into?.rel?.relname ?? '');
      if (key === 'CreateSchemaStmt') out.add((value as { schemaname?: string }).schemaname ?? '');
      definedNames(value, out);
    }
  }
  return out;
}

/** Runners whose tooling compares the names in the database with those of its model (Prisma's migrate diff, TypeORM's
 *  and MikroORM's schema diff): a cut name is drift there, reported again by every later diff. */
const COMPARES_NAMES = new Set<RunnerName>(['prisma', 'typeorm', 'mikro-orm']);

/** PostgreSQL silently truncates identifiers to 63 bytes: the object gets another name than the migration (and the
 *  ORM) says, and two long names sharing a prefix collide ("already exists"). Reported where a name is given, not
 *  where an existing object is named (DROP, the old name of a RENAME, REFERENCES). In a history of plain SQL
 *  (diesel, flyway, goose, ...) nothing compares names and PostgreSQL cuts every mention the same way, so only two
 *  long names of the migration cut alike are reported there; a file checked alone, whose runner is unknown, is
 *  reported whenever it gives a long name. The parser truncates names in the AST too, so they are read from the
 *  scanner's tokens. */
export default defineRule({
  id: 'identifier-too-long',
  severity: 'error',
  summary: 'An identifier longer than 63 bytes: PostgreSQL truncates it silently, so names differ and can collide.',
  check(ctx) {
    const text = ctx.statement.text;
    if (!mayHaveLongName(text)) return undefined;
    const defined = definedNames(ctx.statement.node);
    const runner = ctx.options.runner;
    const collisionsOnly = runner !== undefined && !COMPARES_NAMES.has(runner);
    return [...longNames(text)].flatMap((name) => {
      const cut = cutName(name);
      if (!defined.has(cut)) return [];
      if (collisionsOnly && !collides(ctx.migration.statements, name, cut)) return [];
      return {
        message: `${quoteIdent(name)} is ${Buffer.byteLength(name, 'utf8')} bytes: PostgreSQL will name it ${quoteIdent(cut)}.`,
        why: 'Identifiers are cut to 63 bytes (NAMEDATALEN - 1) with only a NOTICE. The object then has another name than the one in the migration and the ORM model, later statements naming it in full may hit the wrong object, and two long names with the same first 63 bytes collide.',
        recipe: { summary: 'Choose a name of at most 63 bytes.', sql: `-- rename in this statement: ${quoteIdent(name)} -> a name of at most 63 bytes`, versions: 'All supported versions (the limit is a compile-time constant).' },
      };
    });
  },
});

/** The names over 63 bytes the statement's text spells out (as written, before PostgreSQL cuts them). */
function longNames(text: string): Set<string> {
  const long = new Set<string>();
  for (const token of scanSync(text).tokens) {
    if (token.tokenName !== 'IDENT') continue;
    const name = token.text.startsWith('"') ? token.text.slice(1, -1).replace(/""/g, '"') : token.text.toLowerCase();
    if (Buffer.byteLength(name, 'utf8') > 63) long.add(name);
  }
  return long;
}

function cutName(name: string): string {
  let cut = name;
  while (Buffer.byteLength(cut, 'utf8') > 63) cut = cut.slice(0, -1);
  return cut;
}

/** Another long name the migration gives (in any statement) is cut to the same 63 bytes: the second object fails with
 *  "already exists" (or an IF NOT EXISTS skips it silently). The same long name given twice names one object. */
function collides(statements: readonly ParsedStatement[], name: string, cut: string): boolean {
  return statements.some((s) => mayHaveLongName(s.text) && definedNames(s.node).has(cut) && [...longNames(s.text)].some((other) => other !== name && cutName(other) === cut));
}
