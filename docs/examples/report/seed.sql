-- The database of docs/commands/report.md's run: 200,000 accounts, and their orders.
CREATE TABLE accounts (id int PRIMARY KEY, email text NOT NULL);
INSERT INTO accounts SELECT i, 'user' || i || '@example.com' FROM generate_series(1, 200000) AS i;
CREATE TABLE orders (id int PRIMARY KEY, account_id int NOT NULL);
INSERT INTO orders SELECT i, 1 + i % 200000 FROM generate_series(1, 100000) AS i;
