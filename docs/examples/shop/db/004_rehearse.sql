ALTER TABLE orders ALTER COLUMN id TYPE bigint;
ALTER TABLE users ALTER COLUMN name TYPE varchar(200);
CREATE INDEX CONCURRENTLY orders_created_at_idx ON orders (created_at);
