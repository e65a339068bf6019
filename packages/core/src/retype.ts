import type { RuleContext } from './rule.js';

/** The statement's own text (the user's formatting kept) with the type written at each byte `location` replaced:
 *  `pattern` must match the type as written there, `replace` gives the new text for the match. */
export function retypeStatement(ctx: RuleContext, locations: (number | undefined)[], pattern: RegExp, replace: (match: RegExpExecArray) => string): string {
  const { statement, migration } = ctx;
  let text = statement.text;
  const offsets = locations
    .map((l) => (l === undefined ? -1 : migration.map.charOffset(l) - statement.start.offset))
    .filter((o) => o >= 0)
    .sort((a, b) => b - a);
  for (const at of offsets) {
    const match = pattern.exec(text.slice(at));
    if (match) text = `${text.slice(0, at)}${replace(match)}${text.slice(at + match[0].length)}`;
  }
  return `${text};`;
}
