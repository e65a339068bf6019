-- The same change, written the way pgsafe's recipes say. Each step is short, and nothing waits in the lock
-- queue for more than 2 s. Run it with `pgsafe run`, which also executes the CONCURRENTLY steps outside
-- transactions and retries on lock timeout.
SET lock_timeout = '2s';
SET statement_timeout = '5s';

-- 1. nullable first, backfilled in batches by a job, then enforced through a validated CHECK
ALTER TABLE users ADD COLUMN IF NOT EXISTS country text;
ALTER TABLE users ADD CONSTRAINT users_country_not_null_chk CHECK (country IS NOT NULL) NOT VALID;

-- 2. build the index without blocking writes
SET statement_timeout = 0;
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_created_at_idx ON orders (created_at);
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_user_id_idx ON orders (user_id);

-- 3 and 4. new rows are checked at once; existing rows are validated without blocking traffic
SET statement_timeout = '5s';
ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total_cents >= 0) NOT VALID;
ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;
SET statement_timeout = 0;
ALTER TABLE orders VALIDATE CONSTRAINT orders_total_positive;
ALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fkey;
ALTER TABLE users VALIDATE CONSTRAINT users_country_not_null_chk;
SET statement_timeout = '5s';
ALTER TABLE users ALTER COLUMN country SET NOT NULL;
ALTER TABLE users DROP CONSTRAINT users_country_not_null_chk;

-- 5. expand: the new column is written by the app alongside the old one; the old one is dropped in a later deploy
ALTER TABLE users ADD COLUMN IF NOT EXISTS full_name text;

-- 6. timestamptz, and a byte-wise collation for the unique handle
ALTER TABLE users ADD COLUMN IF NOT EXISTS country_confirmed_at timestamptz;
ALTER TABLE users ADD COLUMN IF NOT EXISTS handle text COLLATE "C";
SET statement_timeout = 0;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_handle_key ON users (handle);
