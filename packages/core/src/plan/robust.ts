/** Re-runnable forms: IF NOT EXISTS / IF EXISTS added where PostgreSQL has them, so that running a partly applied
 *  migration again skips what is already done instead of failing on it. */
import type { Node } from '@pgsql/types';
import { parseSync } from '../pg-parser.js';
import type { ParsedStatement } from '../parse.js';
import { deparse } from '../ast.js';

export interface RobustForm {
  /** SQL to run. */
  sql: string;
  /** What was added, e.g. `IF NOT EXISTS`; undefined when the statement is kept as written. */
  added?: string;
}

type Body = Record<string, unknown>;

/** Sets the flags in a deep copy of the statement's AST; returns what it added, or undefined when nothing. */
function addFlags(node: Node): { node: Node; added: string[] } | undefined {
  const copy = structuredClone(node) as unknown as Record<string, Body>;
  const kind = Object.keys(copy)[0]!;
  const body = copy[kind]!;
  const added = new Set<string>();
  const flag = (target: Body, key: string, text: string) => {
    if (!target[key]) {
      target[key] = true;
      added.add(text);
    }
  };
  switch (kind) {
    case 'IndexStmt':
      // PostgreSQL requires a name with IF NOT EXISTS; an unnamed index gets a generated name each run.
      if (body.idxname) flag(body, 'if_not_exists', 'IF NOT EXISTS');
      break;
    case 'CreateStmt':
    case 'CreateSeqStmt':
    case 'CreateSchemaStmt':
    case 'CreateExtensionStmt':
      flag(body, 'if_not_exists', 'IF NOT EXISTS');
      break;
    case 'CreateTableAsStmt':
      flag(body, 'if_not_exists', 'IF NOT EXISTS');
      break;
    case 'DropStmt':
      flag(body, 'missing_ok', 'IF EXISTS');
      break;
    case 'AlterEnumStmt':
      if (body.newVal !== undefined && body.oldVal === undefined) flag(body, 'skipIfNewValExists', 'IF NOT EXISTS');
      break;
    case 'AlterTableStmt':
      for (const c of (body.cmds as Body[] | undefined) ?? []) {
        const cmd = c.AlterTableCmd as Body | undefined;
        if (!cmd) continue;
        if (cmd.subtype === 'AT_AddColumn') flag(cmd, 'missing_ok', 'ADD COLUMN IF NOT EXISTS');
        if (cmd.subtype === 'AT_DropColumn') flag(cmd, 'missing_ok', 'DROP COLUMN IF EXISTS');
        if (cmd.subtype === 'AT_DropConstraint') flag(cmd, 'missing_ok', 'DROP CONSTRAINT IF EXISTS');
      }
      break;
    default:
      return undefined;
  }
  return added.size ? { node: copy as unknown as Node, added: [...added] } : undefined;
}

/** A comparable form of an AST: keys sorted, `location` fields dropped (they differ between two texts). */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) if (k !== 'location') out[k] = canonical((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}

/**
 * The statement's re-runnable form. The rewritten SQL is produced from the AST and accepted only if PostgreSQL's
 * parser reads it back as exactly the intended statement; otherwise the statement is kept as written.
 */
export function robustForm(stmt: ParsedStatement): RobustForm {
  const changed = addFlags(stmt.node);
  if (!changed) return { sql: stmt.text };
  try {
    const sql = deparse(changed.node).trim().replace(/;$/, '');
    const back = parseSync(sql).stmts ?? [];
    if (back.length !== 1 || JSON.stringify(canonical(back[0]!.stmt)) !== JSON.stringify(canonical(changed.node))) {
      return { sql: stmt.text };
    }
    return { sql, added: changed.added.join(', ') };
  } catch {
    return { sql: stmt.text };
  }
}
