export { withPgsafe, HINTS, type PgsafeMikroOrmOptions } from './with-pgsafe.js';
