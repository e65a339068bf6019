import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `ALTER TABLE users ADD COLUMN confirmed_at timestamp DEFAULT now();`,
  good: `BEGIN;
SET lock_timeout = '2s';
ALTER TABLE users ADD COLUMN confirmed_at timestamptz DEFAULT now();
COMMIT;`,
  notes: [
    `Reported where the database's clock fills the column (DEFAULT now(), CURRENT_TIMESTAMP, LOCALTIMESTAMP): the value is then the session's local time, and sessions or servers in different zones disagree. A timestamp the application writes is what the application makes it (ORMs write UTC): reported per column like that, 9 of 20 sampled findings on 27 real public migration histories were worth acting on (bench/precision). A default that pins the zone (\`timezone('utc', now())\`) is not reported.`,
    `Said once per migration history (a runner's folder as \`check\` replays it, or the one file checked alone): an ORM declares every such column the same way, so the later ones are not reported.`,
  ],
});
