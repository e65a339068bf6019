import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `CREATE TABLE regions (id smallint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text);`,
  good: `CREATE TABLE IF NOT EXISTS regions (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text);`,
});
