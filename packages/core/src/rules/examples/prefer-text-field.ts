import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `ALTER TABLE users ADD COLUMN nickname varchar(40);`,
  good: `BEGIN;
SET lock_timeout = '2s';
ALTER TABLE users ADD COLUMN nickname text;
ALTER TABLE users ADD CONSTRAINT users_nickname_length CHECK (length(nickname) <= 40) NOT VALID;
COMMIT;`,
});
