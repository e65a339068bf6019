import type { RuleContext } from './rule.js';

const stickies = new WeakMap<RegExp, RegExp>();

/** `pattern` anchored at `lastIndex` instead of at `^`. */
function stickyOf(pattern: RegExp): RegExp {
  let sticky = stickies.get(pattern);
  if (!sticky) stickies.set(pattern, (sticky = new RegExp(pattern.source.replace(/^\^/, ''), `${pattern.flags.replace(/[gy]/g, '')}y`)));
  return sticky;
}

/** The statement's own text (the user's formatting kept) with the type written at each byte `location` replaced:
 *  `pattern` (written anchored, `^...`) must match the type as written there, `replace` gives the new text for the match. */
export function retypeStatement(ctx: RuleContext, locations: (number | undefined)[], pattern: RegExp, replace: (match: RegExpExecArray) => string): string {
  const { statement, migration } = ctx;
  const text = statement.text;
  const offsets = locations
    .map((l) => (l === undefined ? -1 : migration.map.charOffset(l) - statement.start.offset))
    .filter((o) => o >= 0)
    .sort((a, b) => a - b);
  // Matched in place with a sticky copy of the pattern and joined once: wide CREATE TABLEs have dozens of columns.
  const sticky = stickyOf(pattern);
  const parts: string[] = [];
  let done = 0;
  for (const at of offsets) {
    if (at < done) continue;
    sticky.lastIndex = at;
    const match = sticky.exec(text);
    if (!match) continue;
    parts.push(text.slice(done, at), replace(match));
    done = at + match[0].length;
  }
  parts.push(text.slice(done), ';');
  return parts.join('');
}
