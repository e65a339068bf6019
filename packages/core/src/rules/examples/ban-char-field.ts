import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `CREATE TABLE shops (id bigint PRIMARY KEY, postcode char(10));`,
  good: `CREATE TABLE IF NOT EXISTS shops (id bigint PRIMARY KEY, postcode text CHECK (length(postcode) <= 10));`,
  notes: [
    `Not reported for char(1) to char(3): flags and ISO country or currency codes fill the width, so nothing is padded (5 of the 6 wrong findings on real migration histories were such codes; bench/precision).`,
  ],
});
