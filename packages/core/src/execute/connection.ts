/** Opening the executor's connections, with errors that say where without ever printing a password. */
import type pg from 'pg';
import { pgModule } from './pg-module.js';
import { connectionTarget, redactConnectionString, redactSecret } from './redact.js';
import { ConnectionStringError, normalizeConnectionString } from './connection-string.js';

/** The database cannot be reached (refused, unknown host, authentication, missing database, timeout). */
export class ConnectionError extends Error {
  constructor(
    /** `user@host:port/database`, no password. */
    readonly target: string,
    readonly reason: string,
    readonly code?: string,
  ) {
    super(`cannot connect to PostgreSQL at ${target}: ${reason}`);
    this.name = 'ConnectionError';
  }
}

const REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused (is the server running and accepting TCP connections there?)',
  ENOTFOUND: 'unknown host',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'timed out',
  ECONNRESET: 'connection reset by the server',
  EHOSTUNREACH: 'host unreachable',
  '28P01': 'password authentication failed',
  '28000': 'authentication rejected',
  '3D000': 'database does not exist',
};

export interface OpenOptions {
  applicationName?: string;
  /** Give up connecting after this long. Default 10 s. */
  connectTimeoutMs?: number;
}

/** Connects a new client. Rejects with `ConnectionError` (redacted) when the server cannot be reached. */
export async function openConnection(config: string | pg.ClientConfig, options: OpenOptions = {}): Promise<pg.Client> {
  let base: pg.ClientConfig;
  try {
    base = typeof config === 'string' ? { connectionString: normalizeConnectionString(config) } : config;
  } catch (error) {
    if (error instanceof ConnectionStringError) throw new ConnectionError('<invalid connection string>', error.message);
    throw error;
  }
  const client = new (pgModule().Client)({
    application_name: options.applicationName ?? 'pgsafe',
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    ...base,
  });
  // A connection that dies later must surface as a failed query, not crash the process.
  client.on('error', () => {});
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => {});
    const e = error as Error & { code?: string };
    const password = typeof base.password === 'string' ? base.password : passwordOf(base.connectionString);
    const detail = redactSecret(redactConnectionString(e.message || String(e)), password);
    const known = e.code ? REASONS[e.code] : undefined;
    const reason = known && !detail.startsWith(known) ? `${known} (${detail})` : detail;
    throw new ConnectionError(connectionTarget(base), reason, e.code);
  }
}

function passwordOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}

/** The settings to open a second connection like `client` (same server, database, user and password). */
export function configLike(client: pg.Client): pg.ClientConfig {
  const params = (client as unknown as { connectionParameters?: pg.ClientConfig }).connectionParameters;
  return {
    host: client.host,
    port: client.port,
    ...(client.user ? { user: client.user } : {}),
    ...(client.database ? { database: client.database } : {}),
    ...(client.password ? { password: client.password } : {}),
    ...(params?.ssl ? { ssl: params.ssl } : {}),
  };
}

/** Errors after which the connection cannot be trusted: nothing more runs on it. */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof pgModule().DatabaseError)) return true; // socket errors, "Connection terminated", ...
  const code = error.code ?? '';
  return code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03';
}
