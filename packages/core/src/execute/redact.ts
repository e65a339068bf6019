/** Connection strings are printed only without their password. */
import type pg from 'pg';
import { pgModule } from './pg-module.js';
import { normalizeConnectionString } from './connection-string.js';

/**
 * The connection string with its password replaced by `***`: URLs (`postgres://user:secret@host/db`, also
 * `?password=` in the query) and keyword/value strings (`host=h password=secret`). Safe to print or log.
 */
export function redactConnectionString(value: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value.trim())) {
    try {
      const url = new URL(value.trim());
      if (url.password) url.password = '***';
      for (const key of [...url.searchParams.keys()]) if (/^(password|passfile|sslpassword)$/i.test(key)) url.searchParams.set(key, '***');
      return url.toString();
    } catch {
      // Not a valid URL: fall back to the textual patterns below.
      return value.replace(/(:\/\/[^:/@\s]*:)[^@\s]*@/g, '$1***@').replace(/(password=)[^&\s]*/gi, '$1***');
    }
  }
  return value.replace(/(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)/gi, '$1***');
}

/** Any text (an error message, a stack trace) with the passwords of the URLs and keyword/value strings in it
 *  replaced by `***`. */
export function redactText(text: string): string {
  return text
    .replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s]*@/gi, '$1***@')
    .replace(/((?:[?&\s]|^)(?:ssl)?password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&]+)/gi, '$1***');
}

/** Replaces every occurrence of `secret` in `text` (e.g. an error message that quotes the connection string). */
export function redactSecret(text: string, secret: string | undefined): string {
  return secret ? text.split(secret).join('***') : text;
}

/** Where a connection goes, for messages: `user@host:port/database`, never the password. Resolves the same
 *  defaults as `pg` does (PGHOST, PGPORT, PGUSER, PGDATABASE). */
export function connectionTarget(config: string | pg.ClientConfig): string {
  try {
    const client = new (pgModule().Client)(typeof config === 'string' ? { connectionString: normalizeConnectionString(config) } : config);
    const host = client.host.startsWith('/') ? `socket ${client.host}` : client.host.includes(':') ? `[${client.host}]` : client.host;
    return `${client.user ? `${client.user}@` : ''}${host}:${client.port}/${client.database ?? ''}`;
  } catch {
    return typeof config === 'string' ? redactConnectionString(config) : '<connection>';
  }
}
