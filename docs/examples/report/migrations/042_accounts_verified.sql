ALTER TABLE accounts ADD COLUMN verified boolean;
CREATE INDEX CONCURRENTLY accounts_email_idx ON accounts (email);
ALTER TABLE orders ADD COLUMN verified_at timestamptz;
