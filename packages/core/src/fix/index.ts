export { fix, FIX_DEFAULTS } from './fix.js';
export { renderRunFiles, renderPrismaMigrations, renderKnexMigrations, renderTypeormMigrations, type FixFile } from './render.js';
export type { FixOptions, FixResult, FixStep, FixDeploy, FixChange, FixTodo } from './types.js';
