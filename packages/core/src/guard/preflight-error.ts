import type { BlockingSession } from '../execute/types.js';

/** A statement pgsafe did not send: sessions that would have blocked its lock were still there (pre-flight). Its own
 *  module: the adapters' guard bundle and the main entry share it (scripts/bundle-guard.mjs). */
export class PreflightError extends Error {
  declare readonly blockers: BlockingSession[];
  constructor(message: string, blockers: BlockingSession[]) {
    super(message);
    this.name = 'PreflightError';
    Object.defineProperty(this, 'blockers', { value: blockers, enumerable: false });
  }
}
