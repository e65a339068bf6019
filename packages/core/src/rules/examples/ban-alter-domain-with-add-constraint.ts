import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `ALTER DOMAIN price ADD CONSTRAINT price_positive CHECK (VALUE > 0);`,
  good: `SET lock_timeout = '2s';
BEGIN;
ALTER TABLE products ADD CONSTRAINT products_price_check CHECK (price > 0) NOT VALID;
COMMIT;
ALTER TABLE products VALIDATE CONSTRAINT products_price_check;`,
});
