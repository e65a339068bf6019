import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `SET lock_timeout = '2s';
ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total_cents >= 0);`,
  good: `BEGIN;
SET lock_timeout = '2s';
SET statement_timeout = '5s';
ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total_cents >= 0) NOT VALID;
COMMIT;
ALTER TABLE orders VALIDATE CONSTRAINT orders_total_positive;`,
});
