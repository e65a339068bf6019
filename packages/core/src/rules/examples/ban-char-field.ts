import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `CREATE TABLE shops (id bigint PRIMARY KEY, country char(3));`,
  good: `CREATE TABLE IF NOT EXISTS shops (id bigint PRIMARY KEY, country text CHECK (length(country) = 3));`,
});
