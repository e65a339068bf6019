import type { Node } from '@pgsql/types';
import { as, strings } from './ast.js';

/** Longest key list taken as one batch. */
const MAX_LIST = 10_000;

/**
 * A WHERE that limits an UPDATE or DELETE to a batch of the table's key: a range or a short list of `key` (`id < 1000`,
 * `id BETWEEN $1 AND $2`, `id IN (1, 2, 3)`, `id = ANY($1)`, `id IN (SELECT id ... LIMIT 1000)`), alone or ANDed with
 * other conditions. A condition on another column (`country IS NULL` on a column just added, which every row
 * matches) bounds nothing: it is not a batch.
 */
export function keyBounded(where: Node | undefined, key: string): boolean {
  const bool = as(where, 'BoolExpr');
  if (bool) {
    const args = bool.args ?? [];
    if (bool.boolop === 'AND_EXPR') return args.some((a) => keyBounded(a, key));
    if (bool.boolop === 'OR_EXPR') return args.length > 0 && args.every((a) => keyBounded(a, key));
    return false;
  }
  const sub = as(where, 'SubLink');
  if (sub) return sub.subLinkType === 'ANY_SUBLINK' && isKey(sub.testexpr, key) && !!as(sub.subselect, 'SelectStmt')?.limitCount;
  const expr = as(where, 'A_Expr');
  if (!expr) return false;
  const op = strings(expr.name).at(-1);
  switch (expr.kind) {
    case 'AEXPR_OP':
      if (!op || !['=', '<', '<=', '>', '>='].includes(op)) return false;
      return (isKey(expr.lexpr, key) && isValue(expr.rexpr)) || (isKey(expr.rexpr, key) && isValue(expr.lexpr));
    case 'AEXPR_BETWEEN':
    case 'AEXPR_BETWEEN_SYM':
      return isKey(expr.lexpr, key);
    case 'AEXPR_IN':
      return op === '=' && isKey(expr.lexpr, key) && (as(expr.rexpr, 'List')?.items?.length ?? Infinity) <= MAX_LIST;
    case 'AEXPR_OP_ANY': {
      if (op !== '=' || !isKey(expr.lexpr, key)) return false;
      const list = as(expr.rexpr, 'A_ArrayExpr');
      return list ? (list.elements?.length ?? 0) <= MAX_LIST : isValue(expr.rexpr);
    }
    default:
      return false;
  }
}

function isKey(node: Node | undefined, key: string): boolean {
  const ref = as(node, 'ColumnRef');
  return !!ref && strings(ref.fields).at(-1) === key;
}

/** A constant or a parameter (possibly cast): the same for every row. */
function isValue(node: Node | undefined): boolean {
  const cast = as(node, 'TypeCast');
  if (cast) return isValue(cast.arg);
  return !!as(node, 'A_Const') || !!as(node, 'ParamRef');
}
