export { fix, FIX_DEFAULTS } from './fix.js';
export { renderRunFiles, renderPrismaMigrations, type FixFile } from './render.js';
export { renderKnexMigrations, renderTypeormMigrations, renderMikroOrmMigrations, mikroOrmParts, mikroOrmNonTransactional, type MikroOrmPart } from './render-orm.js';
export type { FixOptions, FixResult, FixStep, FixDeploy, FixChange, FixTodo } from './types.js';
export { endState, diffEndStates, unstableKeys, type EndState } from './end-state.js';
export { verifyFix, applyOriginal, applyFixed, scratchDatabase, PLACEHOLDER, type Verdict, type VerifyOptions } from './verify.js';
export { sampleRowsSql } from './sample-rows.js';
export { historySchema } from './history-schema.js';
export { decodeSourceBytes, encodeSourceBytes } from './source-bytes.js';
