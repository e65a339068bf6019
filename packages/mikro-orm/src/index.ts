export { withPgsafe, HINTS, type PgsafeMikroOrmOptions } from './with-pgsafe.js';
export { collector } from './collector.js';
