-- Migration written by an AI assistant for the "ship to country" feature.
-- It reads clean and passes on an empty dev database.

-- 1. every user needs a country
ALTER TABLE users ADD COLUMN country text NOT NULL;

-- 2. orders are looked up by creation date
CREATE INDEX orders_created_at_idx ON orders (created_at);

-- 3. no negative totals
ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total_cents >= 0);

-- 4. link orders to users
ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id);

-- 5. clearer naming
ALTER TABLE users RENAME COLUMN name TO full_name;

-- 6. remember when the country was confirmed, and a unique public handle
ALTER TABLE users ADD COLUMN country_confirmed_at timestamp DEFAULT now();
ALTER TABLE users ADD COLUMN handle text;
CREATE UNIQUE INDEX users_handle_key ON users (handle);
