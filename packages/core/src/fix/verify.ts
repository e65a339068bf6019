/** Proof that a fix means what the original meant: on a server where databases may be created, the migrations before
 *  it are applied to two new databases, the original to one and the fixed steps (every deploy, in order) to the
 *  other, and their end states (schema and rows, see endState) are compared. The same functions apply histories in
 *  the replay bench. */
import pg from 'pg';
import type { ParsedMigration } from '../parse.js';
import { diffEndStates, endState, unstableKeys } from './end-state.js';
import type { FixResult } from './types.js';

/** Placeholders the user must fill before the fixed migration can run. */
export const PLACEHOLDER = /<value>|<key>|<type of [^>]*>/;

/** The original as a plain client runs it: statement by statement on one session, so that an explicit BEGIN ...
 *  COMMIT stays one transaction and a CONCURRENTLY build outside it runs alone. */
export async function applyOriginal(client: pg.Client, migration: ParsedMigration): Promise<void> {
  for (const stmt of migration.statements) await client.query(stmt.text);
}

/** The fixed steps of every deploy in order, each as one query: a transactional step's statements in one implicit
 *  transaction, as Prisma runs a file and pgsafe run a step; a non-transactional one alone. */
export async function applyFixed(client: pg.Client, result: FixResult): Promise<void> {
  for (const step of result.steps) await client.query(step.sql);
}

export type Verdict =
  | { status: 'equal' }
  | { status: 'different'; differences: string[] }
  /** The fixed steps fail where the original runs. */
  | { status: 'failed'; step: number; error: string }
  /** Nothing to prove: the original itself fails there, the earlier migrations do, or placeholders are left. */
  | { status: 'unverifiable'; reason: string };

export interface VerifyOptions {
  /** A superuser URL of a server that may be used for throwaway databases (a scratch server). */
  adminUrl: string;
  /** The migrations that run before this one, in order: they build the schema both sides start from. */
  earlier?: ParsedMigration[];
  /** SQL run after the earlier migrations, on both sides (sample rows). */
  seed?: string;
}

export async function verifyFix(migration: ParsedMigration, result: FixResult, options: VerifyOptions): Promise<Verdict> {
  if (result.steps.some((s) => PLACEHOLDER.test(s.sql))) return { status: 'unverifiable', reason: 'placeholders are left to fill in' };
  // The original runs twice: what differs between those two runs (now(), random ids) proves nothing either way.
  const [original, again, fixed] = await Promise.all([scratchDatabase(options.adminUrl), scratchDatabase(options.adminUrl), scratchDatabase(options.adminUrl)]);
  try {
    for (const [label, db] of [['original', original], ['original', again], ['fixed', fixed]] as const) {
      for (const earlier of options.earlier ?? []) {
        try {
          await applyOriginal(db.client, earlier);
        } catch (error) {
          return { status: 'unverifiable', reason: `the earlier migration ${earlier.file} fails on the ${label} side: ${message(error)}` };
        }
      }
      if (options.seed) {
        try {
          await db.client.query(options.seed);
        } catch (error) {
          return { status: 'unverifiable', reason: `the sample rows could not be written: ${message(error)}` };
        }
      }
    }
    try {
      await applyOriginal(original.client, migration);
      await applyOriginal(again.client, migration);
    } catch (error) {
      return { status: 'unverifiable', reason: `the original fails: ${message(error)}` };
    }
    for (const [i, step] of result.steps.entries()) {
      try {
        await fixed.client.query(step.sql);
      } catch (error) {
        return { status: 'failed', step: i + 1, error: message(error) };
      }
    }
    const reference = await endState(original.client);
    const differences = diffEndStates(reference, await endState(fixed.client), unstableKeys(reference, await endState(again.client)));
    return differences.length ? { status: 'different', differences } : { status: 'equal' };
  } finally {
    await Promise.all([original.drop(), again.drop(), fixed.drop()]);
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

interface Scratch {
  client: pg.Client;
  drop(): Promise<void>;
}

let counter = 0;

/** A new, empty database on the server of `adminUrl`, dropped with `drop()`. */
export async function scratchDatabase(adminUrl: string): Promise<Scratch> {
  const name = `pgsafe_verify_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE template0`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const client = new pg.Client({ connectionString: url.toString() });
  client.on('error', () => {});
  client.on('notice', () => {});
  await client.connect();
  return {
    client,
    async drop() {
      await client.end().catch(() => {});
      const admin2 = new pg.Client({ connectionString: adminUrl });
      await admin2.connect();
      try {
        await admin2.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await admin2.end();
      }
    },
  };
}
