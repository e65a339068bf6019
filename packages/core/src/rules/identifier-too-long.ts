import { scanSync } from 'libpg-query';
import { defineRule } from '../rule.js';
import { quoteIdent } from '../sql.js';

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

/** PostgreSQL silently truncates identifiers to 63 bytes: the object gets another name than the migration (and the
 *  ORM) says, and two long names sharing a prefix collide ("already exists"). The parser truncates them in the AST
 *  too, so they are read from the scanner's tokens. */
export default defineRule({
  id: 'identifier-too-long',
  severity: 'error',
  summary: 'An identifier longer than 63 bytes: PostgreSQL truncates it silently, so names differ and can collide.',
  check(ctx) {
    const text = ctx.statement.text;
    if (!mayHaveLongName(text)) return undefined;
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
