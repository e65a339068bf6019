/** @pgsafe/testing: a real PostgreSQL per test run, a database per test file, and helpers to observe what the
 *  application side experiences while a migration holds locks. */
export { adminUrl } from './admin-url.js';
export { createTestDatabase, useTestDatabase, type TestDatabase } from './database.js';
export { blockedSessions, holdLock, timed, waitUntilNotWaitingOnLock, waitUntilRunning, waitUntilWaitingOnLock, type HeldLock, type Timed, type WaitingSession } from './locks.js';
export { seedRows, type Queryable } from './seed.js';
export { serverMajor, serverVersionNum } from './server-version.js';
export { redactUrl, withDatabase } from './server-url.js';
export { openSession, setApplicationName } from './sessions.js';
export { steadyQueries, type Traffic, type TrafficReport } from './traffic.js';
export { columnsOf } from './catalog.js';
export { schemaSnapshot, type SchemaSnapshot } from './schema-snapshot.js';
export { runNode, type ProcessResult } from './process.js';
export { typecheck } from './typecheck.js';
export { assertCliBuilt, PGSAFE_BIN, pgsafe, pgsafeSync, writeIn } from './pgsafe-cli.js';
