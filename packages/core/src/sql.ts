import { QuoteUtils } from '@pgsql/quotes';

const quoted = new Map<string, string>();

/** Quotes an identifier only when PostgreSQL needs it (upper case, special characters, reserved words). */
export function quoteIdent(name: string): string {
  let q = quoted.get(name);
  if (q === undefined) quoted.set(name, (q = QuoteUtils.quoteIdentifier(name)));
  return q;
}

/** `schema.table` with each part quoted as needed. */
export function quoteQualified(schema: string | undefined, name: string): string {
  return schema ? `${quoteIdent(schema)}.${quoteIdent(name)}` : quoteIdent(name);
}

/** A SQL string literal. */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Builds the identifier PostgreSQL would choose for `name1_name2..._label` (its makeObjectName): when it exceeds
 *  63 bytes, the longer of the table part and the column part is cut, never the label, so `orders_..._pkey` stays a
 *  pkey name and `col_new` never shrinks back into `col`. */
export function makeName(...parts: string[]): string {
  const [name1 = '', ...rest] = parts.filter(Boolean);
  const label = rest.pop();
  if (label === undefined) return clipBytes(name1, 63);
  const name2 = rest.join('_');
  const avail = 63 - Buffer.byteLength(label) - 1 - (name2 ? 1 : 0);
  let n1 = Buffer.byteLength(name1);
  let n2 = Buffer.byteLength(name2);
  while (n1 + n2 > avail) {
    if (n1 > n2) n1--;
    else n2--;
  }
  return [clipBytes(name1, n1), name2 && clipBytes(name2, n2), label].filter(Boolean).join('_');
}

/** The longest prefix of `s` within `bytes` UTF-8 bytes that does not split a character (pg_mbcliplen). */
function clipBytes(s: string, bytes: number): string {
  let out = '';
  for (const ch of s) {
    if (Buffer.byteLength(out + ch) > bytes) break;
    out += ch;
  }
  return out;
}

/** The CHECK (col IS NOT NULL) that the NOT NULL recipes add before SET NOT NULL. Its label is one PostgreSQL never
 *  generates: PG 18 names the not-null constraint that SET NOT NULL creates `<table>_<column>_not_null`, so a check of
 *  that name would push PostgreSQL's own to `..._not_null1`, and the rewrite would no longer end where the original
 *  migration does. */
export function notNullCheckName(table: string, column: string): string {
  return makeName(table, column, 'not_null_chk');
}
