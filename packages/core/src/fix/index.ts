export { fix, FIX_DEFAULTS } from './fix.js';
export { renderRunFiles, renderPrismaMigrations, type FixFile } from './render.js';
export { renderKnexMigrations, renderTypeormMigrations, renderMikroOrmMigrations, mikroOrmParts, mikroOrmNonTransactional, type MikroOrmPart } from './render-orm.js';
export type { FixOptions, FixResult, FixStep, FixDeploy, FixChange, FixTodo } from './types.js';
