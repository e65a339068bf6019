-- 042: order status, and a faster lookup by customer
ALTER TABLE orders ADD COLUMN status text NOT NULL;
CREATE INDEX orders_customer_id_idx ON orders (customer_id);
ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id);
