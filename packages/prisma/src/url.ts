/** Prisma connection URLs as node-postgres needs them. */

/** Parameters node-postgres understands; Prisma-only ones (connection_limit, pool_timeout, pgbouncer, ...) are dropped. */
const PG_PARAMS = new Set(['sslmode', 'sslcert', 'sslkey', 'sslrootcert', 'sslpassword', 'application_name', 'options', 'connect_timeout', 'host', 'port', 'user', 'password']);

export interface PgTarget {
  /** The URL for node-postgres: the Prisma `schema` becomes the session's search_path. */
  url: string;
  /** Prisma's `?schema=` (default `public`): where `_prisma_migrations` lives and what unqualified names mean. */
  schema: string;
}

export function pgTarget(prismaUrl: string): PgTarget {
  let url: URL;
  try {
    url = new URL(prismaUrl);
  } catch {
    throw new Error('the datasource URL is not a valid URL');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new Error(`pgsafe runs PostgreSQL migrations; the datasource URL uses ${url.protocol.replace(/:$/, '')} (prisma+postgres:// Accelerate URLs cannot run migrations either: use the direct URL)`);
  }
  const schema = url.searchParams.get('schema') ?? 'public';
  for (const key of [...url.searchParams.keys()]) if (!PG_PARAMS.has(key)) url.searchParams.delete(key);
  // Quoted so a mixed-case schema keeps its case; the server splits `options` at unescaped whitespace.
  const searchPath = `-c search_path=${`"${schema.replace(/"/g, '""')}"`.replace(/[\\\s]/g, (c) => `\\${c}`)}`;
  const options = url.searchParams.get('options');
  url.searchParams.set('options', options ? `${options} ${searchPath}` : searchPath);
  return { url: url.toString(), schema };
}
