import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `CREATE TABLE notes (id bigserial PRIMARY KEY, body text);`,
  good: `CREATE TABLE IF NOT EXISTS notes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, body text);`,
  notes: [
    `Opt-in: said once per migration history, 2 of 20 sampled findings on 27 real public migration histories were worth acting on (bench/precision): serial works; the trap it avoids (a role allowed to INSERT but not to use the sequence) needs separately privileged roles, as in supabase's auth and storage, the two where it was right. Turn it on for a new schema.`,
    `Said once per migration history (a runner's folder as \`check\` replays it, or the one file checked alone): an ORM writes serial for every such column, and the user usually cannot change it column by column, so the later ones are not reported. Reported per column, it was right even less often.`,
  ],
});
