CREATE TABLE users (id bigint PRIMARY KEY, name text, email text);
CREATE TABLE orders (id integer PRIMARY KEY, user_id bigint NOT NULL, amount_cents integer NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
CREATE INDEX orders_user_id_idx ON orders (user_id);
