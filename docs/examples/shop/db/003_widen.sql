ALTER TABLE orders ALTER COLUMN id TYPE bigint;
ALTER TABLE users ADD COLUMN country text;
CREATE INDEX CONCURRENTLY orders_created_at_idx ON orders (created_at);
ALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fkey;
