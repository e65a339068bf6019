import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id);`,
  good: `SET lock_timeout = '2s';
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_user_id_idx ON orders (user_id);
BEGIN;
ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;
COMMIT;
-- in a transaction of its own: SHARE UPDATE EXCLUSIVE, reads and writes continue
ALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fkey;`,
  notes: [
    "Not reported for a table created earlier in the same migration: it is empty, and no query uses it yet.",
  ],
});
