/** The source server for the `pgsafe rehearse` tests. rehearse dumps the source with a pg_dump of its major or newer
 *  (pg_dump refuses newer servers), and the test server may be the embedded PostgreSQL 18, which ships no pg_dump.
 *  So the source is the test server when a pg_dump here can dump it (CI: 15, with pg_dump 15), else the newest
 *  embedded major that the newest pg_dump here can dump (e.g. 14 when only pg_dump 15 is installed). With no pg_dump
 *  at all it is the newest embedded major too (its trust auth takes any password, as the tests need), and the tests
 *  expect rehearse's "no pg_dump" error instead. */
import { findPgDumps, type PgDumpBinary } from '@pgsafe/core';
import { createTestDatabase, type TestDatabase } from './database.js';
import { startMajor } from './embedded-major.js';
import { serverMajor } from './server-version.js';
import { closeSessions } from './sessions.js';

/** The majors of the aliased embedded packages ep11..ep14 in test/package.json, newest first. */
const embeddedMajors = [14, 13, 12, 11];

export interface RehearseSource {
  /** A fresh database on the source server, for the test to fill. */
  db: TestDatabase;
  major: number;
  /** The newest pg_dump on this machine; with none, every rehearsal must stop at the "no pg_dump" error. */
  pgDump: PgDumpBinary | undefined;
  stop(): Promise<void>;
}

export async function startRehearseSource(label: string): Promise<RehearseSource> {
  const pgDump = (await findPgDumps()).sort((a, b) => b.major - a.major)[0];
  const testMajor = await serverMajor();
  if (pgDump && pgDump.major >= testMajor) {
    const db = await createTestDatabase(label);
    return { db, major: testMajor, pgDump, stop: () => db.drop() };
  }
  const major = embeddedMajors.find((m) => !pgDump || m <= pgDump.major);
  if (major === undefined) throw new Error(`${pgDump!.path} (${pgDump!.version}) is older than every embedded PostgreSQL (11-14): no source for the rehearse tests`);
  const server = await startMajor(`ep${major}`);
  let db: TestDatabase;
  try {
    db = await createTestDatabase(label, server.url);
  } catch (error) {
    await server.stop();
    throw error;
  }
  // The whole server goes, so its sessions close without DROP DATABASE ... WITH (FORCE) (PostgreSQL 13+).
  return { db, major, pgDump, stop: async () => { await closeSessions(db.name); await server.stop(); } };
}
