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
    "Without the database (`pgsafe check` alone), not reported where the history shows the table small or empty: a reference table its migrations fill with their own VALUES rows (two or more, none copied from other tables), or a table an earlier migration of the same change (written less than 12 hours before, by the timestamps of their names) created and put no rows in.",
  ],
});
