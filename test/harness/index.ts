export { adminUrl, createTestDatabase, useTestDatabase, type TestDatabase } from './database.js';
export {
  holdLock,
  timed,
  blockedSessions,
  waitUntilWaitingOnLock,
  seedRows,
  serverVersionNum,
  serverMajor,
  type HeldLock,
  type Timed,
  type WaitingSession,
} from './sessions.js';
export { redactUrl, withDatabase } from './server-url.js';
