-- 002: the constraints the application has relied on so far
SET lock_timeout = '2s';
ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;
ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount_cents > 0) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_amount_positive;
ALTER TABLE users ALTER COLUMN name SET NOT NULL;
CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);
