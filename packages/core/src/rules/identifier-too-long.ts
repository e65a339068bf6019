import { scanSync } from 'libpg-query';
import { defineRule } from '../rule.js';
import { quoteIdent } from '../sql.js';

/** Cheap pre-filters: in ASCII text a 64-byte identifier is 64 characters; otherwise a character may take up to 3
 *  bytes (4 only outside the BMP, counted as 2 UTF-16 units), so 22 characters can already be too long. */
const ASCII_CANDIDATE = /[A-Za-z0-9_$]{64}|"[^"]{64}/;
const CANDIDATE = /[^\s,;()]{22}/;
const ASCII = /^[\x00-\x7f]*$/;

/** PostgreSQL silently truncates identifiers to 63 bytes: the object gets another name than the migration (and the
 *  ORM) says, and two long names sharing a prefix collide ("already exists"). The parser truncates them in the AST
 *  too, so they are read from the scanner's tokens. */
export default defineRule({
  id: 'identifier-too-long',
  severity: 'error',
  summary: 'An identifier longer than 63 bytes: PostgreSQL truncates it silently, so names differ and can collide.',
  check(ctx) {
    const text = ctx.statement.text;
    if (!(ASCII.test(text) ? ASCII_CANDIDATE : CANDIDATE).test(text)) return undefined;
    const long = new Set<string>();
    for (const token of scanSync(text).tokens) {
      if (token.tokenName !== 'IDENT') continue;
      const name = token.text.startsWith('"') ? token.text.slice(1, -1).replace(/""/g, '"') : token.text.toLowerCase();
      if (Buffer.byteLength(name, 'utf8') > 63) long.add(name);
    }
    return [...long].map((name) => {
      let cut = name;
      while (Buffer.byteLength(cut, 'utf8') > 63) cut = cut.slice(0, -1);
      return {
        message: `${quoteIdent(name)} is ${Buffer.byteLength(name, 'utf8')} bytes: PostgreSQL will name it ${quoteIdent(cut)}.`,
        why: 'Identifiers are cut to 63 bytes (NAMEDATALEN - 1) with only a NOTICE. The object then has another name than the one in the migration and the ORM model, later statements naming it in full may hit the wrong object, and two long names with the same first 63 bytes collide.',
        recipe: { summary: 'Choose a name of at most 63 bytes.', sql: `-- rename in this statement: ${quoteIdent(name)} -> a name of at most 63 bytes`, versions: 'All supported versions (the limit is a compile-time constant).' },
      };
    });
  },
});
