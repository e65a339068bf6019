import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `CREATE DOMAIN email AS text CHECK (VALUE LIKE '%@%');`,
  good: `CREATE TABLE IF NOT EXISTS subscribers (id bigint PRIMARY KEY, email text NOT NULL CHECK (email LIKE '%@%'));`,
  notes: [
    `Opt-in: on 27 real public migration histories (bench/precision), its one finding (a domain for e-mail addresses) was not worth acting on: a domain CHECK is sound design, creating it scans nothing, and the scan this rule warns of comes with a later ALTER DOMAIN ... ADD CONSTRAINT, which \`ban-alter-domain-with-add-constraint\` reports when it happens. Turn it on to keep CHECKs on the columns instead.`,
  ],
});
