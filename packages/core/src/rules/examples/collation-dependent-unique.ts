import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `CREATE TABLE tags (id bigint PRIMARY KEY, slug text NOT NULL UNIQUE);`,
  good: `CREATE TABLE IF NOT EXISTS tags (id bigint PRIMARY KEY, slug text COLLATE "C" NOT NULL UNIQUE);`,
});
