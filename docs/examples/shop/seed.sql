-- The shop's data after 001_shop.sql: 50,000 users (100 without a name, 10 e-mails used twice) and 400,000 orders
-- (401 with a negative amount).
INSERT INTO users (id, name, email)
SELECT i, CASE WHEN i % 500 = 0 THEN NULL ELSE 'user ' || i END, 'user' || CASE WHEN i > 49990 THEN i - 49990 ELSE i END || '@example.com'
FROM generate_series(1, 50000) AS i;
INSERT INTO orders (id, user_id, amount_cents, created_at)
SELECT i, 1 + i % 50000, CASE WHEN i % 997 = 0 THEN -100 ELSE 100 + i % 9000 END, timestamptz '2026-01-01' + i * interval '1 minute'
FROM generate_series(1, 400000) AS i;
ANALYZE users;
ANALYZE orders;
