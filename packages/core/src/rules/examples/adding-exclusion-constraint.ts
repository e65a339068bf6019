import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (room_id WITH =, during WITH &&);`,
  good: `-- bookings is created in this migration: empty, and no query waits for it yet
BEGIN;
CREATE TABLE bookings (room_id bigint NOT NULL, during tstzrange NOT NULL);
ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (room_id WITH =, during WITH &&);
COMMIT;`,
  notes: [
    "Not reported for a table created earlier in the same migration: it is empty, and no query uses it yet.",
  ],
});
