/** The command examples of the documentation: a `text` block whose first line is `$ <command>` shows what the
 *  command prints; an HTML comment right before a block, `<!-- doc-test key=value ... -->`, gives the command of a
 *  block without one, where it runs and what varies from run to run. */
import type { Token, Tokens } from 'marked';
import { Lexer } from 'marked';
import { read } from './markdown.js';

/** A command and its output as the doc shows it. `...` on a line of its own stands for any lines; a line ending in
 *  `…` for any line starting with what precedes it. */
export interface DocCommand {
  command: string;
  expected: string[];
}

/** A block: its commands run one after the other in the same place (a block may show several). */
export interface DocExample {
  file: string;
  /** 1-based line of the block's opening fence. */
  line: number;
  commands: DocCommand[];
  options: Record<string, string>;
}

/** `key=value key="a value"` pairs of a doc-test comment. */
function attributes(html: string): Record<string, string> | undefined {
  const body = /^<!--\s*doc-test\b([\s\S]*?)-->\s*$/.exec(html.trim());
  if (!body) return undefined;
  const attrs: Record<string, string> = {};
  for (const m of body[1]!.matchAll(/([\w-]+)=(?:"([^"]*)"|(\S+))/g)) attrs[m[1]!] = m[2] ?? m[3]!;
  return attrs;
}

/** Every example in `file`, and the text blocks that are neither examples nor marked `skip` (left unchecked). */
export function docExamples(file: string): { examples: DocExample[]; unchecked: number[]; skipped: { line: number; reason: string }[] } {
  const text = read(file);
  const examples: DocExample[] = [];
  const unchecked: number[] = [];
  const skipped: { line: number; reason: string }[] = [];
  let offset = 0;
  let marker: Record<string, string> | undefined;
  const visit = (tokens: Token[]) => {
    for (const t of tokens) {
      const at = text.indexOf(t.raw, offset);
      if (at >= 0) offset = at;
      const line = text.slice(0, offset).split('\n').length;
      if (t.type === 'html') {
        marker = attributes(t.raw) ?? marker;
        continue;
      }
      if (t.type === 'space') continue;
      if (t.type === 'code') {
        const code = t as Tokens.Code;
        const lines = code.text.split('\n');
        const options = marker ?? {};
        marker = undefined;
        if (options.skip) skipped.push({ line, reason: options.skip });
        else if (options.command || options.help) examples.push({ file, line, commands: [{ command: options.command ?? `pgsafe ${options.help} --help`, expected: lines }], options });
        else if (lines[0]!.startsWith('$ ')) {
          const commands: DocCommand[] = [];
          for (const l of lines) {
            if (l.startsWith('$ ')) commands.push({ command: l.slice(2), expected: [] });
            else commands.at(-1)!.expected.push(l);
          }
          examples.push({ file, line, commands, options });
        } else if (code.lang === 'text') unchecked.push(line);
        continue;
      }
      marker = undefined;
    }
  };
  visit(Lexer.lex(text));
  return { examples, unchecked, skipped };
}

/** Whether `actual` is what `expected` shows (see DocExample.expected). */
export function matches(expected: string[], actual: string[]): boolean {
  const memo = new Map<string, boolean>();
  const go = (e: number, a: number): boolean => {
    const key = `${e},${a}`;
    if (memo.has(key)) return memo.get(key)!;
    let result: boolean;
    if (e === expected.length) result = a === actual.length;
    else if (expected[e] === '...') result = go(e + 1, a) || (a < actual.length && go(e, a + 1));
    else if (a === actual.length) result = false;
    else {
      const want = expected[e]!;
      const ok = want.endsWith('…') ? actual[a]!.startsWith(want.slice(0, -1)) : actual[a] === want;
      result = ok && go(e + 1, a + 1);
    }
    memo.set(key, result);
    return result;
  };
  return go(0, 0);
}
