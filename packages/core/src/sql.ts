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

/** Builds a valid, predictable identifier from parts, cut to PostgreSQL's 63-byte limit the way it cuts names. */
export function makeName(...parts: string[]): string {
  let name = parts.filter(Boolean).join('_');
  while (Buffer.byteLength(name, 'utf8') > 63) name = name.slice(0, -1);
  return name;
}
