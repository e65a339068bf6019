export { ReadOnlySession, isTimeout, type ReadOnlyOptions } from './readonly.js';
export { gatherFacts, resolveLiveOptions } from './facts.js';
export { applyLiveFacts, LIVE_CHECKS, LIVE_VIOLATION_RULE, type ApplyLiveOptions, type DroppedFinding } from './enrich.js';
export type { LiveFact, LiveFactKind, LiveIndex, LiveTable, LiveStatementFacts, LiveMigrationFacts, LiveCheckOptions } from './types.js';
