export { withPgsafe, HINTS, type PgsafeTypeormOptions } from './with-pgsafe.js';
export { collector } from './collector.js';
