/**
 * Connection strings as users give them: a URL (with stray spaces around it, as a copied value often has) or a libpq
 * keyword/value string (`host=db user=app password=... dbname=prod`), which `pg` does not read itself. Both become
 * one URL for `pg`; a string that is neither is an error that never quotes the password.
 */
import { pgModule } from './pg-module.js';
import { redactConnectionString } from './redact.js';

export class ConnectionStringError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectionStringError';
  }
}

/** libpq keyword/value pairs: `key = value`, values bare or single-quoted with backslash escapes. */
function parseKeywordValue(text: string): Map<string, string> {
  const pairs = new Map<string, string>();
  const re = /\s*([A-Za-z_]+)\s*=\s*(?:'((?:[^'\\]|\\.)*)'|(\S*))/y;
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    re.lastIndex = at;
    const m = re.exec(text);
    // The text itself is not quoted: a broken quote would show the password.
    if (!m) throw new ConnectionStringError(`invalid keyword/value connection string: expected keyword=value (values with spaces in single quotes) at character ${at + 1}`);
    pairs.set(m[1]!.toLowerCase(), m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]!);
    at = re.lastIndex;
  }
  return pairs;
}

function keywordValueToUrl(text: string): string {
  const pairs = parseKeywordValue(text);
  const take = (key: string) => {
    const v = pairs.get(key);
    pairs.delete(key);
    return v;
  };
  const user = take('user');
  const password = take('password');
  const host = take('host') ?? take('hostaddr');
  const port = take('port');
  const dbname = take('dbname');
  const query = new URLSearchParams();
  // A socket directory goes in the query (pg reads ?host=/path), any other setting as well.
  if (host?.startsWith('/')) query.set('host', host);
  for (const [key, value] of pairs) query.set(key, value);
  const auth = user !== undefined ? `${encodeURIComponent(user)}${password !== undefined ? `:${encodeURIComponent(password)}` : ''}@` : '';
  const hostPart = host && !host.startsWith('/') ? (host.includes(':') ? `[${host}]` : host) : '';
  const q = query.toString();
  return `postgresql://${auth}${hostPart}${port ? `:${port}` : ''}/${dbname ? encodeURIComponent(dbname) : ''}${q ? `?${q}` : ''}`;
}

/** The connection string `pg` should get; throws `ConnectionStringError` (password redacted) when it is invalid. */
export function normalizeConnectionString(value: string): string {
  const trimmed = value.trim();
  const url = /^[A-Za-z_]+\s*=/.test(trimmed) ? keywordValueToUrl(trimmed) : trimmed;
  try {
    new (pgModule().Client)({ connectionString: url });
  } catch (error) {
    throw new ConnectionStringError(`invalid connection URL ${redactConnectionString(url)}: ${(error as Error).message}`);
  }
  return url;
}
