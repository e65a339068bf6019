import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `CREATE TABLE invoices (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, total_cents bigint);`,
  good: `CREATE TABLE IF NOT EXISTS invoices (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, total_cents bigint);`,
});
