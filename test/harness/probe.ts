import pg from 'pg';

/** The server's version, and whether the role may create the per-test databases. */
export async function probe(url: string): Promise<{ version: string; canCreateDb: boolean }> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => {});
  try {
    await client.connect();
    const { rows } = await client.query<{ version: string; can: boolean }>(
      "SELECT current_setting('server_version') AS version, rolsuper OR rolcreatedb AS can FROM pg_roles WHERE rolname = current_user",
    );
    return { version: rows[0]!.version, canCreateDb: rows[0]!.can };
  } finally {
    await client.end().catch(() => {});
  }
}

