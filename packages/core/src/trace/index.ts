export { traceMigration } from './trace.js';
export { simulate, type Simulation } from './simulate.js';
export { earlierMigrations } from './earlier.js';
export { replayMigrations, ReplayError } from './replay.js';
export type { TraceResult, TracedStatement, TraceOptions, ObservedLock, Rewrite, DocumentedLock } from './types.js';
