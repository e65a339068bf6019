import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  liveSetup: `CREATE TABLE users (id bigint PRIMARY KEY, email text);
INSERT INTO users VALUES (1, 'ada@example.com'), (2, NULL);`,
  bad: `ALTER TABLE users ALTER COLUMN email SET NOT NULL;`,
  good: `-- the NULLs filled first, in batches; then the safe SET NOT NULL (see adding-not-nullable-field)
UPDATE users SET email = 'unknown-' || id || '@example.com' WHERE email IS NULL;`,
});
