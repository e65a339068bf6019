export { fix, FIX_DEFAULTS } from './fix.js';
export { renderRunFiles, renderPrismaMigrations, type FixFile } from './render.js';
export { renderKnexMigrations, renderTypeormMigrations } from './render-orm.js';
export type { FixOptions, FixResult, FixStep, FixDeploy, FixChange, FixTodo } from './types.js';
