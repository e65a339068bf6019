import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `CREATE DOMAIN email AS text CHECK (VALUE LIKE '%@%');`,
  good: `CREATE TABLE IF NOT EXISTS subscribers (id bigint PRIMARY KEY, email text NOT NULL CHECK (email LIKE '%@%'));`,
});
