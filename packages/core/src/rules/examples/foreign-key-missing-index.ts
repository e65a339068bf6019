import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;`,
  good: `SET lock_timeout = '2s';
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_user_id_idx ON orders (user_id);
BEGIN;
ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;
COMMIT;
ALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fkey;`,
  notes: [
    "Without a database pgsafe sees only the indexes the migration itself creates. With `pgsafe check --database-url`, an index that already exists on the referencing columns drops the finding (listed as dropped).",
  ],
});
