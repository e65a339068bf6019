import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `CREATE TABLE notes (id bigserial PRIMARY KEY, body text);`,
  good: `CREATE TABLE IF NOT EXISTS notes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, body text);`,
});
