import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `ALTER TABLE users ADD COLUMN nickname varchar(40);`,
  good: `BEGIN;
SET lock_timeout = '2s';
ALTER TABLE users ADD COLUMN nickname text;
ALTER TABLE users ADD CONSTRAINT users_nickname_length CHECK (length(nickname) <= 40) NOT VALID;
COMMIT;`,
  notes: [
    `Opt-in: said once per migration history, 0 of 20 sampled findings on 27 real public migration histories were worth acting on (bench/precision): raising a varchar limit is a catalog-only change since PostgreSQL 9.2 and lowering one is rare, so the advice was a matter of taste in every sampled project. Turn it on for a new schema.`,
    `Said once per migration history (a runner's folder as \`check\` replays it, or the one file checked alone): an ORM writes varchar(n) for every such column, and the user usually cannot change it column by column, so the later ones are not reported. Reported per column, it was right even less often.`,
  ],
});
