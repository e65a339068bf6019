import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `BEGIN;
ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total_cents >= 0) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_total_positive;
COMMIT;`,
  good: `BEGIN;
SET lock_timeout = '2s';
ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total_cents >= 0) NOT VALID;
COMMIT;
-- in a transaction of its own: SHARE UPDATE EXCLUSIVE, reads and writes continue
ALTER TABLE orders VALIDATE CONSTRAINT orders_total_positive;`,
  notes: [
    "Also reported when the runner wraps the whole file in one transaction (`--assume-in-transaction`: the knex, TypeORM and MikroORM defaults).",
  ],
});
