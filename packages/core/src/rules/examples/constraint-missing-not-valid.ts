import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total_cents >= 0);`,
  good: `SET lock_timeout = '2s';
BEGIN;
ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total_cents >= 0) NOT VALID;
COMMIT;
-- in a transaction of its own: SHARE UPDATE EXCLUSIVE, reads and writes continue
ALTER TABLE orders VALIDATE CONSTRAINT orders_total_positive;`,
  notes: [
    "Not reported for a table created earlier in the same migration: it is empty, and no query uses it yet.",
  ],
});
