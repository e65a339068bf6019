export { withPgsafe, HINTS, type PgsafeKnexOptions } from './with-pgsafe.js';
export { collector } from './collector.js';
