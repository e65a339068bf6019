/** Where `pgsafe trace` (and `pgsafe report --trace`) runs the trace: a database given, or a throwaway embedded one. */
import {
  connectionTarget,
  earlierMigrations,
  openConnection,
  replayMigrations,
  traceMigration,
  type ParsedMigration,
  type TraceResult,
} from '@pgsafe/core';
import { startScratchServer } from './scratch-server.js';

export interface TraceRunOptions {
  lockTimeout: number;
  statementTimeout: number;
  /** With the embedded database: replay the earlier migrations of the directory first. */
  replay: boolean;
  /** The option that names a database of the user's own, for the hint when the embedded one cannot start. */
  ownDatabaseOption?: string;
}

/** What went wrong before the trace could run: printed as `pgsafe: error: ...`, exit 2. */
export class TraceSetupError extends Error {}

/** Traces on the given database (its locks are real while the trace runs). */
export async function traceOnDatabase(url: string, migration: ParsedMigration, options: TraceRunOptions): Promise<{ result: TraceResult; where: string }> {
  const client = await openConnection(url, { applicationName: 'pgsafe-trace' });
  try {
    return { result: await traceMigration(client, migration, { lockTimeoutMs: options.lockTimeout, statementTimeoutMs: options.statementTimeout }), where: `${connectionTarget(url)}, its locks real while the trace ran` };
  } finally {
    await client.end().catch(() => {});
  }
}

/** Traces on a throwaway embedded PostgreSQL with the schema of the earlier migrations of the directory. */
export async function traceOnScratch(file: string, migration: ParsedMigration, options: TraceRunOptions): Promise<{ result: TraceResult; where: string }> {
  const earlier = options.replay ? earlierMigrations(file) : [];
  let server;
  try {
    server = await startScratchServer();
  } catch (error) {
    throw new TraceSetupError(`${(error as Error).message}\n(give ${options.ownDatabaseOption ?? '--database-url'} to trace on a database of your own)`);
  }
  try {
    const admin = await openConnection(server.url, { applicationName: 'pgsafe-trace' });
    await admin.query('CREATE DATABASE pgsafe_trace');
    await admin.end();
    const client = await openConnection(server.url.replace(/\/postgres$/, '/pgsafe_trace'), { applicationName: 'pgsafe-trace' });
    try {
      await replayMigrations(client, earlier);
      const result = await traceMigration(client, migration, { lockTimeoutMs: options.lockTimeout, statementTimeoutMs: options.statementTimeout });
      const schema = earlier.length ? `schema from ${earlier.length} earlier ${earlier.length === 1 ? 'migration' : 'migrations'}` : 'empty schema: no earlier migrations';
      return { result, where: `embedded scratch database, ${schema}` };
    } finally {
      await client.end().catch(() => {});
    }
  } finally {
    await server.stop();
  }
}
